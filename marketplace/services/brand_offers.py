"""Sponsored offers from brands: never unsolicited.

An offer reaches a member only when they asked the brand for offers (`Fan.offers`, a fan's own
choice) and allow `offers` (the consent, read at every request: withdrawing either stops them
at once). It is always labelled "Sponsored" and says why it is shown; a brand publishes at most
one offer every `OFFER_EVERY_DAYS` days; a member sees at most `OFFERS_SHOWN` at a time; "Not
interested" hides one for good, and "No more offers from this brand" is one click too.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User, Viewer
from config.errors import DomainError, NotFound
from marketplace.models import (
    Brand,
    BrandOffer,
    Category,
    CategoryInterest,
    Fan,
    OfferDismissal,
)
from marketplace.services.brands import managed_brand
from marketplace.services.interests import interest_categories
from privacy.consent import granted
from privacy.purposes import Purpose

OFFER_EVERY_DAYS = 7
OFFERS_SHOWN = 2
LONGEST_DAYS = 30


@transaction.atomic
def brand_offer_create(
    *,
    manager: User,
    brand_id: int,
    title: str,
    text: str,
    days: int,
    category_id: int | str | None = None,
) -> BrandOffer:
    """A manager publishes an offer, for `days` days (at most `LONGEST_DAYS`), at most one every
    `OFFER_EVERY_DAYS` days per brand."""
    managed_brand(manager, brand_id)
    title, text = (title or "").strip(), (text or "").strip()
    if not title or len(title) > BrandOffer.TITLE_MAX_LENGTH:
        raise DomainError("Give the offer a short title.", code="bad_title", field="title")
    if not text or len(text) > BrandOffer.TEXT_MAX_LENGTH:
        raise DomainError(
            f"Say what the offer is in up to {BrandOffer.TEXT_MAX_LENGTH:,} characters.",
            code="bad_text",
            field="text",
        )
    if not 1 <= int(days) <= LONGEST_DAYS:
        raise DomainError(f"Run it for 1 to {LONGEST_DAYS} days.", code="bad_days", field="days")
    category = None
    if category_id not in (None, ""):
        try:
            category = Category.objects.get(pk=int(category_id))
        except (Category.DoesNotExist, ValueError, TypeError):
            raise DomainError("Choose a category from the list.", code="bad_category") from None
    now = timezone.now()
    since = now - datetime.timedelta(days=OFFER_EVERY_DAYS)
    # Serialised per brand: two managers publishing at once cannot both pass the check.
    Brand.objects.select_for_update().filter(pk=brand_id).first()
    if BrandOffer.objects.filter(brand_id=brand_id, starts_at__gte=since).exists():
        raise DomainError(
            f"A brand makes one offer every {OFFER_EVERY_DAYS} days: try again later.",
            code="too_often",
        )
    return BrandOffer.objects.create(
        brand_id=brand_id,
        title=title,
        text=text,
        category=category,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=int(days)),
        created_by=manager,
    )


def offers_for(member: Viewer) -> list[BrandOffer]:
    """The sponsored offers shown to `member` now: running, not hidden, from brands they asked
    for offers, not dismissed; none without the `offers` consent. At most `OFFERS_SHOWN`."""
    if not isinstance(member, User) or not member.is_authenticated:
        return []
    if not granted(member, Purpose.OFFERS):
        return []
    now = timezone.now()
    asked = Fan.objects.filter(member=member, brand_id=OuterRef("brand_id"), offers=True)
    about = interest_categories(member, CategoryInterest.Purpose.OFFERS)
    dismissed = OfferDismissal.objects.filter(member=member, offer_id=OuterRef("pk"))
    return list(
        BrandOffer.objects.filter(starts_at__lte=now, ends_at__gt=now, hidden=False)
        .filter(Q(Exists(asked)) | Q(category_id__in=about))
        .exclude(Exists(dismissed))
        .select_related("brand")
        .order_by("-starts_at", "-id")[:OFFERS_SHOWN]
    )


@transaction.atomic
def offer_dismiss(*, member: User, offer_id: int | str) -> None:
    """ "Not interested": the offer is not shown to `member` again."""
    try:
        offer = BrandOffer.objects.get(pk=int(offer_id))
    except (BrandOffer.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such offer.", code="no_offer") from None
    try:
        with transaction.atomic():
            OfferDismissal.objects.get_or_create(offer=offer, member=member)
    except IntegrityError:  # dismissed twice at once
        pass


@transaction.atomic
def offers_stop(*, member: User, brand_id: int | str) -> None:
    """ "No more offers from this brand": the fan's choice is turned off."""
    Fan.objects.filter(member=member, brand_id=brand_id).update(offers=False)
