"""Every route, as every member of the cast: the status and the content each gets.

The table and how to extend it are in `tests/access/matrix.py`.
"""

from __future__ import annotations

import pytest

from tests.access.matrix import ROWS, build_cast, missing_and_stale, run_row


@pytest.fixture
def cast(graph) -> dict:
    return build_cast(graph)


def test_every_route_has_a_row():
    missing, _ = missing_and_stale()
    assert not missing, (
        "These routes have no row in tests/access/matrix.py; add one saying who may do what:\n  "
        + "\n  ".join(missing)
    )


def test_no_row_names_a_route_that_is_gone():
    _, stale = missing_and_stale()
    assert not stale, "These rows name routes that no longer exist:\n  " + "\n  ".join(stale)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.id}")
def test_route_answers_each_viewer_as_the_table_says(row, cast):
    failures = run_row(row, cast)
    assert not failures, f"{row.method} {row.id}:\n  " + "\n  ".join(failures)
