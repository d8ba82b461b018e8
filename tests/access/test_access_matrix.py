"""Every route, as every member of the cast: the status and the content each gets.

The rows are in the row files listed in `tests/access/rows.py`; how to write one is in
`tests/access/engine.py`.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.access.engine import build_cast, missing_and_stale, run_row, sign_in_all
from tests.access.rows import ROWS, THIRD_PARTY
from tests.cast import build_graph
from tests.factories import PersonFactory


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """The cast, its content and a signed-in session per viewer, built once for the module.

    Built in a transaction that is rolled back after the last row; each row runs inside the
    `db` fixture's savepoint and each viewer inside one more, so no request sees another's writes.
    Rebuilding it per row made the matrix several times slower.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        graph = build_graph(
            owner=PersonFactory.create(name="Olivia Owner"),
            stranger=PersonFactory.create(name="Sam Stranger"),
            moderator=PersonFactory.create(name="Mona Moderator", is_staff=True),
        )
        c = build_cast(graph)
        c["sessions"] = sign_in_all(c)
        yield c
        transaction.set_rollback(True)


def test_every_route_has_a_row():
    missing, _ = missing_and_stale(ROWS, THIRD_PARTY)
    assert not missing, (
        "These routes have no row in tests/access/ (row files: rows.py); add one saying who may do "
        "what:\n  " + "\n  ".join(missing)
    )


def test_no_row_names_a_route_that_is_gone():
    _, stale = missing_and_stale(ROWS, THIRD_PARTY)
    assert not stale, "These rows name routes that no longer exist:\n  " + "\n  ".join(stale)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.id}")
def test_route_answers_each_viewer_as_the_table_says(row, cast, db):
    failures = run_row(row, cast)
    assert not failures, f"{row.method} {row.id}:\n  " + "\n  ".join(failures)
