"""Reads for a person's own privacy pages and API: each purpose with its notice and current
state, their consent ledger, who sees what of theirs, and how their data was used.

Everything here is about the person asking and nobody else: every query is filtered on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from privacy import releases
from privacy.models import ConsentRecord, ConsentState, UsageCount
from privacy.purposes import NOTICES, Notice, Purpose, for_yourself, scope_label
from privacy.usage import today
from social.audience import Audience
from social.models import Circle, Post, SocialSettings

RECENT_DAYS = 14  # the usage log shows today and the days before it, this many in all


@dataclass
class PurposeView:
    """One purpose as its owner sees it: what it means, and whether and to whom it is on."""

    purpose: Purpose
    notice: Notice
    state: ConsentState | None = None
    circles: list[Circle] = field(default_factory=list)  # the chosen circles, when scope is circles
    skipped: bool = False  # left off during the welcome

    @property
    def granted(self) -> bool:
        return self.state is not None

    @property
    def value(self) -> str:
        return self.purpose.value

    @property
    def label(self) -> str:
        return self.purpose.label

    @property
    def for_yourself(self) -> bool:
        """Used for the person alone: no audience to choose (`purposes.FOR_YOURSELF`)."""
        return for_yourself(self.purpose)

    @property
    def scope_label(self) -> str:
        """Who the grant is for, in words ("" while off)."""
        return scope_label(self.purpose, self.state.scope) if self.state else ""


def purpose_views(user: User, *, skipped: frozenset[str] = frozenset()) -> list[PurposeView]:
    """Every purpose, in the order they are declared, with `user`'s current state. Two queries."""
    states = {
        state.purpose: state
        for state in ConsentState.objects.filter(user=user).prefetch_related("circles")
    }
    views: list[PurposeView] = []
    for purpose in Purpose:
        state = states.get(purpose.value)
        views.append(
            PurposeView(
                purpose=purpose,
                notice=NOTICES[purpose.value],
                state=state,
                circles=sorted(state.circles.all(), key=lambda c: c.name.lower()) if state else [],
                skipped=purpose.value in skipped,
            )
        )
    return views


def purpose_view(user: User, purpose: str) -> PurposeView:
    """One purpose of `user` (`purpose` must be a known value)."""
    return next(view for view in purpose_views(user) if view.value == purpose)


def consent_history(user: User) -> QuerySet[ConsentRecord]:
    """`user`'s own consent ledger, newest first."""
    return ConsentRecord.objects.filter(user=user).order_by("-created_at", "-id")


@dataclass
class Exposure:
    """Who sees what of a person, from the audience policy's settings (social)."""

    details_audience: str
    details_circles: list[str]
    findable: bool
    posts_by_audience: list[tuple[str, int]]  # (audience label, number of posts)

    @property
    def details_audience_label(self) -> str:
        return Audience(self.details_audience).label


def exposure_of(user: User) -> Exposure:
    """Who sees `user`'s profile details and posts. Reads only; settings never made here are
    shown with their defaults."""
    settings = SocialSettings.objects.filter(user=user).first() or SocialSettings(user=user)
    circles = (
        sorted(settings.details_circles.values_list("name", flat=True), key=str.lower)
        if settings.pk and settings.details_audience == Audience.CIRCLES
        else []
    )
    counts = dict(
        Post.objects.filter(author=user)
        .order_by()
        .values("audience")
        .annotate(n=Count("id"))
        .values_list("audience", "n")
    )
    return Exposure(
        details_audience=settings.details_audience,
        details_circles=circles,
        findable=settings.findable,
        posts_by_audience=[
            (audience_.label, counts[audience_.value])
            for audience_ in Audience
            if counts.get(audience_.value)
        ],
    )


@dataclass
class UsageGroup:
    purpose: Purpose
    rows: list[UsageCount]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class PurposeTotal:
    purpose: Purpose
    count: int  # times used


@dataclass
class UsageDay:
    day: dt.date
    by_purpose: list[PurposeTotal]


@dataclass
class Usage:
    """How a person's data was used: today, row by row, and the days before, per purpose."""

    today: list[UsageCount]
    recent_days: list[UsageDay]


def usage(user: User) -> Usage:
    return Usage(
        today=[row for group in usage_today(user) for row in group.rows],
        recent_days=usage_recent_days(user),
    )


def usage_today(user: User) -> list[UsageGroup]:
    """Today's usage of `user`'s data, grouped by purpose (in declaration order)."""
    rows = list(today(user).order_by("purpose", "-count", "label"))
    return [
        UsageGroup(purpose=purpose, rows=[row for row in rows if row.purpose == purpose.value])
        for purpose in Purpose
        if any(row.purpose == purpose.value for row in rows)
    ]


def usage_recent_days(user: User, days: int = RECENT_DAYS) -> list[UsageDay]:
    """Totals per purpose for the days before today (`days` in all with today), newest first;
    days without use are left out."""
    this = timezone.localdate()
    since = this - dt.timedelta(days=days - 1)
    totals = (
        UsageCount.objects.filter(owner=user, day__gte=since, day__lt=this)
        .order_by()
        .values("day", "purpose")
        .annotate(total=Sum("count"))
    )
    by_day: dict[dt.date, dict[str, int]] = {}
    for row in totals:
        by_day.setdefault(row["day"], {})[row["purpose"]] = row["total"]
    return [
        UsageDay(
            day=day,
            by_purpose=[
                PurposeTotal(purpose, by_day[day][purpose.value])
                for purpose in Purpose
                if purpose.value in by_day[day]
            ],
        )
        for day in sorted(by_day, reverse=True)
    ]


@dataclass(frozen=True)
class CountsProtection:
    """How counts that include a person are protected, in the numbers the settings give, and
    how much of the person's own budget for asking went today (`privacy.releases`)."""

    epsilon_per_answer: float
    epsilon_per_day: float
    spent_today: float

    @property
    def new_questions_a_day(self) -> int:
        return int(self.epsilon_per_day // self.epsilon_per_answer)

    @property
    def new_questions_left(self) -> int:
        left = max(self.epsilon_per_day - self.spent_today, 0.0)
        return int((left + releases.BUDGET_TOLERANCE) // self.epsilon_per_answer)


def counts_protection(user: User) -> CountsProtection:
    """For the privacy dashboard: the noise's settings and `user`'s budget spent today."""
    return CountsProtection(
        epsilon_per_answer=settings.PRIVACY_EPSILON_PER_RELEASE,
        epsilon_per_day=settings.PRIVACY_EPSILON_PER_DAY,
        spent_today=releases.spent_today(user),
    )
