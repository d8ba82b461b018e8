"""The usage log: how a person's data was used, counted per week, shown on their dashboard.

Later features call `record(owner, purpose, label)` when they use someone's data under a consent
("Your review of the Trek Marlin 7 was shown in friends' searches"). Only counts are kept: no
viewer, no time beyond the week.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from privacy.models import UsageCount


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def record(owner, purpose: str, label: str, times: int = 1) -> None:
    week = week_of(timezone.localdate())
    label = label[:200]
    updated = UsageCount.objects.filter(
        owner_id=owner.pk, purpose=purpose, label=label, week=week
    ).update(count=F("count") + times)
    if not updated:
        UsageCount.objects.get_or_create(
            owner_id=owner.pk, purpose=purpose, label=label, week=week, defaults={"count": times}
        )


def this_week(owner):
    return UsageCount.objects.filter(owner=owner, week=week_of(timezone.localdate()))
