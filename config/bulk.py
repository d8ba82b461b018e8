"""What the bulk service functions share: a refusal that names its row, and real dates.

A bulk service function (`friendships_create`, `posts_create`, `listings_create`...) writes many
rows at once for the demo, imports and benchmark loaders, under the rules its single-row service
keeps. When one row breaks a rule nothing is written, and the refusal says which row it was, so
the caller can find it in its data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db.models import Model

from config.errors import DomainError


@contextmanager
def numbered_rows(index: int) -> Iterator[None]:
    """Inside it, a `DomainError` is raised again (the same class, code and field) with the row's
    number (from 0) before its message."""
    try:
        yield
    except DomainError as error:
        raise type(error)(
            f"Row {index}: {error.message}", code=error.code, field=error.field
        ) from None


def refuse_row(index: int, error: DomainError) -> DomainError:
    """`error`, its message led by the number of the row it refuses (from 0): to raise."""
    return type(error)(f"Row {index}: {error.message}", code=error.code, field=error.field)


def backdate(rows: Sequence[Model], stamps: Mapping[str, Sequence[datetime | None]]) -> None:
    """Put given dates on written rows whose `auto_now(_add)` fields the insert stamped "now":
    `stamps` maps a field to one date per row (None keeps the insert's)."""
    changed: dict[str, list[Model]] = {}
    for name, values in stamps.items():
        for row, value in zip(rows, values, strict=True):
            if value is not None:
                setattr(row, name, value)
                changed.setdefault(name, [])
    dated = [
        row for i, row in enumerate(rows) if any(stamps[name][i] is not None for name in stamps)
    ]
    if dated:
        model: Any = type(dated[0])
        model.objects.bulk_update(dated, list(changed), batch_size=200)
