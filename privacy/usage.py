"""The usage log: how a person's data was used, counted per day, shown on their dashboard.

Later features call `record(owner, purpose, label)` when they use someone's data under a consent
("Your review of the Trek Marlin 7 was shown in friends' searches"). Only counts are kept: no
viewer, no time finer than the day.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User
from privacy.models import UsageCount


def record(owner: User, purpose: str, label: str, times: int = 1) -> None:
    """Add `times` uses to today's count of `label` under `purpose` for `owner`."""
    _add(owner.pk, purpose, label, times)


def _add(owner_id: int, purpose: str, label: str, times: int) -> None:
    """One UPDATE in the common case; the first use of the day creates the row, and a concurrent
    first use that wins the race is found by `get_or_create` instead of failing on the unique
    constraint."""
    day = timezone.localdate()
    label = label[:200]
    updated = UsageCount.objects.filter(
        owner_id=owner_id, purpose=purpose, label=label, day=day
    ).update(count=F("count") + times)
    if not updated:
        row, created = UsageCount.objects.get_or_create(
            owner_id=owner_id, purpose=purpose, label=label, day=day, defaults={"count": times}
        )
        if not created:
            UsageCount.objects.filter(pk=row.pk).update(count=F("count") + times)


def record_many(owner_ids: Iterable[int], purpose: str, label: str) -> int:
    """One use of `label` under `purpose` for each of these people (ids). Returns how many."""
    owners = set(owner_ids)
    for owner_id in owners:
        _add(owner_id, purpose, label, 1)
    return len(owners)


def today(owner: User) -> QuerySet[UsageCount]:
    return UsageCount.objects.filter(owner=owner, day=timezone.localdate())
