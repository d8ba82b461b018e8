"""Ratings: after a sale made here, buyer and seller may each rate the other once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from config.bulk import backdate, numbered_rows
from config.errors import Conflict, DomainError, NotFound
from marketplace.models import Purchase, Rating
from social.services.notifications import notify

RATING_LINE_MAX_LENGTH = 200


def rating_give(
    *, rater: User, purchase: Purchase, stars: int | str | None, line: str = ""
) -> Rating:
    """Buyer or seller of a verified purchase rates the other side, once.
    Raises NotFound (not a side of the purchase), DomainError (stars, line, the other side's
    account deleted), Conflict (twice)."""
    rating = _rating_checked(rater.pk, purchase, stars, line)
    if Rating.objects.filter(purchase=purchase, rater=rater).exists():
        raise _rated_twice()
    try:
        with transaction.atomic():
            rating.save()
            notify(
                recipient=User.objects.get(pk=rating.ratee_id),
                kind="market_rated",
                actor=rater,
                text=f"{rater.display_name} rated you {rating.stars} of 5 stars for “{purchase}”.",
                url=reverse("marketplace:deals_rate", args=[purchase.pk]),
            )
            return rating
    except IntegrityError:
        raise _rated_twice() from None


def _rating_checked(
    rater_id: int, purchase: Purchase, stars: int | str | None, line: str
) -> Rating:
    """The rules on one side's rating of a sale, but once: the unsaved row."""
    if rater_id == purchase.buyer_id:
        ratee_id = purchase.seller_id
    elif rater_id == purchase.seller_id:
        ratee_id = purchase.buyer_id
    else:
        raise NotFound("You can rate only people you bought from or sold to.")
    if ratee_id is None:
        raise DomainError(
            "The other side's account was deleted: there is no one to rate.", code="side_gone"
        )
    if not purchase.verified:
        raise DomainError("Only sales made here can be rated.", code="not_verified")
    try:
        count = int(stars or 0)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 5:
        raise DomainError("Give 1 to 5 stars.", code="bad_stars")
    line = (line or "").strip()
    if len(line) > RATING_LINE_MAX_LENGTH:
        raise DomainError(
            f"Keep the line to {RATING_LINE_MAX_LENGTH} characters (it has {len(line)}).",
            code="too_long",
        )
    return Rating(purchase=purchase, rater_id=rater_id, ratee_id=ratee_id, stars=count, line=line)


def _rated_twice() -> Conflict:
    return Conflict("You already rated this sale.", code="already_rated")


@dataclass(frozen=True)
class NewRating:
    """A rating to give in bulk (`rating_give`'s arguments, the rater by id), and when (None:
    now)."""

    rater_id: int
    purchase: Purchase
    stars: int
    line: str = ""
    at: datetime | None = None


@transaction.atomic
def ratings_give(*, ratings: Sequence[NewRating]) -> list[Rating]:
    """`rating_give` for many ratings at once (the demo, imports), under its rules (one query
    for the ratings already given). Raises DomainError naming the first row refused; then
    nothing is written. Returns the ratings, in order."""
    given = set(
        Rating.objects.filter(purchase__in=[row.purchase for row in ratings]).values_list(
            "purchase_id", "rater_id"
        )
    )
    rows = []
    for index, row in enumerate(ratings):
        with numbered_rows(index):
            rating = _rating_checked(row.rater_id, row.purchase, row.stars, row.line)
            if (row.purchase.pk, row.rater_id) in given:
                raise _rated_twice()
        given.add((row.purchase.pk, row.rater_id))
        rows.append(rating)
    written = Rating.objects.bulk_create(rows, batch_size=200)
    backdate(written, {"created_at": [row.at for row in ratings]})
    return written
