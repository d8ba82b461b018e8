"""Ratings: after a sale made here, buyer and seller may each rate the other once."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from config.errors import Conflict, DomainError, NotFound
from marketplace.models import Purchase, Rating

RATING_LINE_MAX_LENGTH = 200


def rating_give(*, rater, purchase: Purchase, stars, line: str = "") -> Rating:
    """Buyer or seller of a verified purchase rates the other side, once.
    Raises NotFound (not a side of the purchase), DomainError (stars, line, the other side's
    account deleted), Conflict (twice)."""
    if rater.pk == purchase.buyer_id:
        ratee_id = purchase.seller_id
    elif rater.pk == purchase.seller_id:
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
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise DomainError("Give 1 to 5 stars.", code="bad_stars")
    line = (line or "").strip()
    if len(line) > RATING_LINE_MAX_LENGTH:
        raise DomainError(
            f"Keep the line to {RATING_LINE_MAX_LENGTH} characters (it has {len(line)}).",
            code="too_long",
        )
    if Rating.objects.filter(purchase=purchase, rater=rater).exists():
        raise Conflict("You already rated this sale.", code="already_rated")
    try:
        with transaction.atomic():
            return Rating.objects.create(
                purchase=purchase, rater=rater, ratee_id=ratee_id, stars=stars, line=line
            )
    except IntegrityError:
        raise Conflict("You already rated this sale.", code="already_rated") from None
