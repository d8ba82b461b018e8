"""Reputations: what the ratings after deals say of a member, as a seller and as a buyer.

The display rule (docs/privacy.md, "Ratings after deals"; the why in
docs/decisions/reputation-floor.md):

- A rating counts in its ratee's reputation for the side they were on: as a seller when they
  sold the thing, as a buyer when they bought it. Ratings by deactivated accounts do not count.
- Figures show only from `MIN_RATINGS` ratings on that side; below it the member is "new" on
  that side, and no figure or comment is shown.
- What others see is released with noise, once a day for everyone (`privacy.releases.published`):
  the count of ratings in words ("about 10 sales") and the average stars from a noisy sum, so
  that watching a figure across a deal one knows of does not tell that deal's stars. The member
  sees their own figures exactly: the ratings are about their own deals.
- A member's figure as a buyer tells that they bought things here: it is shown only where their
  `social_proof` consent reaches the viewer (and to themselves), like their purchases.
- Raters are never named; their lines are shown (the latest few) without name or date.

`reputations(viewer, people)` answers for a whole page in two queries (three when the day's
figures are drawn).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)

from accounts.models import User, Viewer
from marketplace.models import Rating
from marketplace.selectors.listings import as_member
from privacy.consent import allowing
from privacy.purposes import Purpose
from privacy.releases import Answer, Draw, about, published

MIN_RATINGS = 5
COMMENTS_SHOWN = 3
MIDDLE_STARS = 3  # the sum released is of stars minus this: one rating moves it by 2 at most

SELLER = "seller"
BUYER = "buyer"

_AS_SELLER = Q(ratings_received__purchase__seller_id=F("pk"))
_AS_BUYER = Q(ratings_received__purchase__buyer_id=F("pk"))
_COUNTED = Q(ratings_received__rater__is_active=True)


@dataclass(frozen=True)
class SideReputation:
    """A member's ratings on one side of their deals as a viewer may see them: whether figures
    are `shown` (from `MIN_RATINGS` ratings), and then how many ratings and their average stars,
    rounded to a tenth; `approximate` when those were released with noise (to anyone but the
    member). Below the floor, `count` is None to anyone but the member."""

    side: str
    shown: bool
    count: int | None
    average: float | None
    approximate: bool = False

    @property
    def count_words(self) -> str:
        """ "12", or "about 10" when released with noise."""
        if self.count is None:
            return ""
        return about(max(self.count, MIN_RATINGS)) if self.approximate else str(self.count)

    @property
    def deals_word(self) -> str:
        """ "sales" or "purchases", for "from 12 sales"."""
        word = "sale" if self.side == SELLER else "purchase"
        return word if self.count == 1 else f"{word}s"


@dataclass(frozen=True)
class Reputation:
    """A member's reputation as the viewer may see it. `as_buyer` is None where their
    purchases are not shared with the viewer."""

    person_id: int
    as_seller: SideReputation
    as_buyer: SideReputation | None


def _exact(side: str, count: int, total: int | None) -> SideReputation:
    """The figures as they are (the member's own)."""
    if count < MIN_RATINGS or total is None:
        return SideReputation(side, shown=False, count=count, average=None)
    return SideReputation(side, shown=True, count=count, average=round(total / count, 1))


def _draw_side(count: int, total: int, draw: Draw) -> Answer:
    """The noisy count and average of one side, from its true count and stars. One rating
    changes the count by 1 and the sum of (stars - 3) by 2 at most; each gets half the ε. The
    average divides by the noisy count, never below the floor (which the true count passed)."""
    half = draw.epsilon / 2
    [noisy_count] = draw.counts([count], sensitivity=1, epsilon=half)
    [noisy_sum] = draw.counts(
        [total - MIDDLE_STARS * count], sensitivity=2, epsilon=half, signed=True
    )
    average = MIDDLE_STARS + noisy_sum / max(noisy_count, MIN_RATINGS)
    return {"count": noisy_count, "average": round(min(5.0, max(1.0, average)), 1)}


def reputations(viewer: Viewer, people: Iterable[User | int]) -> dict[int, Reputation]:
    """The reputation of each of `people` (members or ids) as `viewer` may see it, by id: two
    queries whatever the number of people (three when today's figures are drawn). Everyone
    asked for is in the answer (new members with no ratings too)."""
    ids = {person.pk if isinstance(person, User) else int(person) for person in people}
    if not ids:
        return {}
    member = as_member(viewer)
    buyer_shared: ExpressionWrapper[Q] | ExpressionWrapper[Value]
    if member is None:
        buyer_shared = ExpressionWrapper(Value(False), output_field=BooleanField())
    else:
        buyer_shared = ExpressionWrapper(
            Q(pk=member.pk) | Q(allowing(Purpose.SOCIAL_PROOF, member, owner="pk")),
            output_field=BooleanField(),
        )
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in User.objects.filter(pk__in=ids)
        .order_by()
        .values("pk")
        .annotate(
            seller_count=Count("ratings_received", filter=_AS_SELLER & _COUNTED),
            seller_total=Sum("ratings_received__stars", filter=_AS_SELLER & _COUNTED),
            buyer_count=Count("ratings_received", filter=_AS_BUYER & _COUNTED),
            buyer_total=Sum("ratings_received__stars", filter=_AS_BUYER & _COUNTED),
            buyer_shared=buyer_shared,
        )
    ]
    own_id = member.pk if member is not None else None
    # Figures released to others: each shown side of each person but the viewer themselves.
    wanted: dict[tuple[int, str], tuple[int, int]] = {
        (row["pk"], side): (row[f"{side}_count"], row[f"{side}_total"] or 0)
        for row in rows
        if row["pk"] != own_id
        for side in (SELLER, BUYER)
        if row[f"{side}_count"] >= MIN_RATINGS and (side == SELLER or row["buyer_shared"])
    }
    figures = published(
        {key: (key[0], ("reputation", key[1])) for key in wanted},
        lambda key, draw: _draw_side(*wanted[key], draw),
    )

    def side_of(row: Mapping[str, Any], side: str) -> SideReputation:
        if row["pk"] == own_id:
            return _exact(side, row[f"{side}_count"], row[f"{side}_total"])
        figure = figures.get((row["pk"], side))
        if figure is None:
            return SideReputation(side, shown=False, count=None, average=None)
        return SideReputation(side, True, figure["count"], figure["average"], approximate=True)

    return {
        row["pk"]: Reputation(
            person_id=row["pk"],
            as_seller=side_of(row, SELLER),
            as_buyer=side_of(row, BUYER) if row["buyer_shared"] else None,
        )
        for row in rows
    }


def reputation_of(viewer: Viewer, person: User) -> Reputation:
    """`reputations` for one member."""
    return reputations(viewer, [person])[person.pk]


def latest_lines(reputation: Reputation, *, sides: Iterable[str] = (SELLER, BUYER)) -> list[str]:
    """The latest few lines raters wrote about the member, on the shown sides among `sides`
    (none below `MIN_RATINGS`), newest first, without the raters' names: one query, none when
    no side is shown."""
    shown = {
        side.side
        for side in (reputation.as_seller, reputation.as_buyer)
        if side is not None and side.shown and side.side in set(sides)
    }
    if not shown:
        return []
    which = Q()
    if SELLER in shown:
        which |= Q(purchase__seller_id=reputation.person_id)
    if BUYER in shown:
        which |= Q(purchase__buyer_id=reputation.person_id)
    lines = (
        Rating.objects.filter(which, ratee_id=reputation.person_id, rater__is_active=True)
        .exclude(line="")
        .order_by("-created_at", "-pk")
        .values_list("line", flat=True)[:COMMENTS_SHOWN]
    )
    return list(lines)


def with_seller_reputations[T](viewer: Viewer, listings: list[T]) -> list[T]:
    """`listings` (rows with `seller_id`), each given its seller's reputation as
    `seller_reputation` (for result cards): one query for the whole page."""
    found = reputations(viewer, {listing.seller_id for listing in listings})  # type: ignore[attr-defined]
    for listing in listings:
        listing.seller_reputation = found.get(listing.seller_id)  # type: ignore[attr-defined]
    return listings
