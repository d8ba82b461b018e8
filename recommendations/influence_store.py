"""A run's scores and how they are stored: all at once after a full run, only what differs
after an incremental one. PostgreSQL takes the rows with `COPY`; other backends with
`bulk_create`."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from django.db import connection
from django.db.models import Model

from recommendations.models import InfluenceReach, InfluenceRun, InfluenceScore


@dataclass
class Scores:
    """One row per (person, topic) with some expertise, as parallel arrays."""

    person: np.ndarray
    category: np.ndarray
    expertise: np.ndarray
    one_hop: np.ndarray
    two_hop: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


SCORE_COLUMNS = ("person_id", "category_id", "run_id", "expertise", "one_hop", "two_hop", "score")


def score_rows(
    scores: Scores, run: InfluenceRun, only: Iterable[int] | None = None
) -> Iterator[tuple[object, ...]]:
    columns = (
        scores.person.tolist(),
        scores.category.tolist(),
        scores.expertise.tolist(),
        scores.one_hop.tolist(),
        scores.two_hop.tolist(),
        scores.score.tolist(),
    )
    indexes = range(len(scores)) if only is None else only
    for i in indexes:
        person, category, expertise, one, two, score = (column[i] for column in columns)
        yield (person, category, run.pk, expertise, one, two, score)


def insert(
    model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]
) -> None:
    """Insert many rows at once: PostgreSQL `COPY`, else `bulk_create`."""
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(repr(value) for value in row) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer
            )
        return
    model._default_manager.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000
    )


def replace_all(scores: Scores, run: InfluenceRun) -> None:
    InfluenceScore.objects.all().delete()
    insert(InfluenceScore, SCORE_COLUMNS, score_rows(scores, run))


def apply_changes(scores: Scores, run: InfluenceRun) -> None:
    """Write only what differs from the stored table; the result is the same as `replace_all`."""
    stored = {
        (person, category): (pk, values)
        for pk, person, category, *values in InfluenceScore.objects.values_list(
            "pk", "person_id", "category_id", "expertise", "one_hop", "two_hop", "score"
        )
    }
    fresh: list[int] = []
    changed: list[tuple[int, int]] = []
    new = zip(
        scores.person.tolist(),
        scores.category.tolist(),
        zip(
            scores.expertise.tolist(),
            scores.one_hop.tolist(),
            scores.two_hop.tolist(),
            scores.score.tolist(),
            strict=True,
        ),
        strict=True,
    )
    for i, (person, category, values) in enumerate(new):
        old = stored.pop((person, category), None)
        if old is None:
            fresh.append(i)
        elif not np.allclose(old[1], values, rtol=1e-12, atol=0.0):
            changed.append((old[0], i))
    InfluenceScore.objects.filter(pk__in=[pk for pk, _ in stored.values()]).delete()
    InfluenceScore.objects.filter(pk__in=[pk for pk, _ in changed]).delete()
    insert(InfluenceScore, SCORE_COLUMNS, score_rows(scores, run, fresh + [i for _, i in changed]))


def replace_people(scores: Scores, run: InfluenceRun, people: Iterable[int]) -> None:
    """Replace the rows of `people` with `scores` (which hold only theirs)."""
    InfluenceScore.objects.filter(person_id__in=people).delete()
    insert(InfluenceScore, SCORE_COLUMNS, score_rows(scores, run))


def replace_reach(people: np.ndarray, one: np.ndarray, two: np.ndarray, run: InfluenceRun) -> None:
    InfluenceReach.objects.all().delete()
    rows = zip(people.tolist(), repeat(run.pk), one.tolist(), two.tolist(), strict=False)
    insert(InfluenceReach, ("person_id", "run_id", "one_hop", "two_hop"), rows)
