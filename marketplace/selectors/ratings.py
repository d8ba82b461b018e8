"""Reputations: what the ratings after deals say of a member, as a seller and as a buyer.

The display rule (docs/privacy.md, "Ratings after deals"; the why in
docs/decisions/reputation-floor.md):

- A rating counts in its ratee's reputation for the side they were on: as a seller when they
  sold the thing, as a buyer when they bought it. Ratings by deactivated accounts do not count.
- Figures show only from `MIN_RATINGS` ratings on that side; below it the member is "new" on
  that side, and no figure or comment is shown: one or two ratings would tell anyone who knows
  of a deal what its other side gave.
- A member's figure as a buyer tells that they bought things here: it is shown only where their
  `social_proof` consent reaches the viewer (and to themselves), like their purchases.
- Raters are never named; their lines are shown (the latest few) without name or date.

`reputations(viewer, people)` answers for a whole page in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    Value,
)

from accounts.models import User, Viewer
from marketplace.models import Rating
from marketplace.selectors.listings import as_member
from privacy.consent import allowing
from privacy.purposes import Purpose

MIN_RATINGS = 5
COMMENTS_SHOWN = 3

SELLER = "seller"
BUYER = "buyer"

_AS_SELLER = Q(ratings_received__purchase__seller_id=F("pk"))
_AS_BUYER = Q(ratings_received__purchase__buyer_id=F("pk"))
_COUNTED = Q(ratings_received__rater__is_active=True)


@dataclass(frozen=True)
class SideReputation:
    """A member's ratings on one side of their deals: how many, and (from `MIN_RATINGS` on)
    their average stars, rounded to a tenth."""

    side: str
    count: int
    average_stars: float | None

    @property
    def shown(self) -> bool:
        """Whether the figures may be shown (enough ratings that none singles out a rater)."""
        return self.count >= MIN_RATINGS

    @property
    def average(self) -> float | None:
        return self.average_stars if self.shown else None

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


def _side(side: str, count: int, average: float | None) -> SideReputation:
    shown = count >= MIN_RATINGS and average is not None
    return SideReputation(side, count, round(float(average), 1) if shown and average else None)


def reputations(viewer: Viewer, people: Iterable[User | int]) -> dict[int, Reputation]:
    """The reputation of each of `people` (members or ids) as `viewer` may see it, by id: one
    query, whatever the number of people. Everyone asked for is in the answer (new members with
    no ratings too)."""
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
    rows = (
        User.objects.filter(pk__in=ids)
        .order_by()
        .values("pk")
        .annotate(
            seller_count=Count("ratings_received", filter=_AS_SELLER & _COUNTED),
            seller_average=Avg("ratings_received__stars", filter=_AS_SELLER & _COUNTED),
            buyer_count=Count("ratings_received", filter=_AS_BUYER & _COUNTED),
            buyer_average=Avg("ratings_received__stars", filter=_AS_BUYER & _COUNTED),
            buyer_shared=buyer_shared,
        )
    )
    answer = {}
    for row in rows:
        answer[row["pk"]] = Reputation(
            person_id=row["pk"],
            as_seller=_side(SELLER, row["seller_count"], row["seller_average"]),
            as_buyer=_side(BUYER, row["buyer_count"], row["buyer_average"])
            if row["buyer_shared"]
            else None,
        )
    return answer


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
