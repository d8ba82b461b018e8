"""The usage log: how a person's data was used, counted per day, shown on their dashboard.

Later features call `record(owner, purpose, label)` when they use someone's data under a consent
("Your review of the Trek Marlin 7 was shown in friends' searches"). Only counts are kept: no
viewer, no time finer than the day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from privacy.models import UsageCount


def record(owner: User, purpose: str, label: str, times: int = 1) -> None:
    """Add `times` uses to today's count of `label` under `purpose` for `owner`."""
    record_uses([(owner.pk, purpose, label, times)])


def record_many(owner_ids: Iterable[int], purpose: str, label: str) -> int:
    """One use of `label` under `purpose` for each of these people (ids). Returns how many."""
    owners = set(owner_ids)
    record_uses([(owner_id, purpose, label, 1) for owner_id in owners])
    return len(owners)


def record_uses(uses: Iterable[tuple[int, str, str, int]]) -> None:
    """Add each `(owner_id, purpose, label, times)` to today's counts, in one statement: the
    first use of the day inserts the row, every later one adds to it (`ON CONFLICT ... DO
    UPDATE`, which PostgreSQL and SQLite both read), so two searches at once never lose a use
    nor fail on the unique constraint. Rows go in owner order: concurrent writers lock them in
    the same order."""
    day = timezone.localdate()
    merged: dict[tuple[int, str, str], int] = {}
    for owner_id, purpose, label, times in uses:
        key = (int(owner_id), purpose, label[:200])
        merged[key] = merged.get(key, 0) + times
    if not merged:
        return
    table = connection.ops.quote_name(UsageCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(merged))
    params: list[int | str | date] = []
    for (owner_id, purpose, label), times in sorted(merged.items()):
        params += [owner_id, purpose, label, day, times]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (owner_id, purpose, label, day, count) VALUES {values} "  # noqa: S608
            "ON CONFLICT (owner_id, purpose, label, day) "
            f"DO UPDATE SET count = {table}.count + excluded.count",
            params,
        )


def today(owner: User) -> QuerySet[UsageCount]:
    return UsageCount.objects.filter(owner=owner, day=timezone.localdate())
