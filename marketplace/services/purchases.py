"""Purchases: a sale made here (verified, from the accepted offer) and a purchase declared
by the buyer (made elsewhere, not verified)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, DomainError, NotAllowed
from marketplace.models import Brand, Category, Listing, Offer, ProductModel, Purchase
from marketplace.services.deal_rules import STATUS_REFUSALS, clean_amount
from marketplace.services.listing_lifecycle import listing_transition
from social.services.notifications import notify

DESCRIPTION_MAX_LENGTH = 200


@transaction.atomic
def sale_complete(*, seller, listing: Listing) -> Purchase:
    """The seller marks a reserved listing sold to the buyer whose offer was accepted: a verified
    purchase is recorded and the buyer is invited to review.
    Raises NotAllowed (not the seller), Conflict (not reserved, no accepted offer)."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.seller_id != seller.pk:
        raise NotAllowed("Only the seller can mark this item sold.")
    if listing.status != Listing.Status.RESERVED:
        if listing.status == Listing.Status.ACTIVE:
            raise Conflict("Accept an offer first; then mark the item sold to that buyer.")
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_reserved")
    accepted = (
        Offer.objects.filter(listing=listing, status=Offer.Status.ACCEPTED)
        .select_related("buyer")
        .first()
    )
    if accepted is None:
        raise Conflict("No offer is accepted on this listing.")
    purchase = Purchase.objects.create(
        buyer=accepted.buyer,
        seller=seller,
        listing=listing,
        product_model=listing.product_model,
        category=listing.category,
        brand=listing.brand,
        description=listing.title[:DESCRIPTION_MAX_LENGTH],
        price=accepted.amount,
        currency=listing.currency,
        verified=True,
        purchased_on=timezone.localdate(),
    )
    listing_transition(listing, Listing.Status.SOLD)
    notify(
        recipient=accepted.buyer,
        kind="market_sold",
        actor=seller,
        text=f"“{listing.title}” is yours. You can now review it and rate the seller.",
        url=reverse("marketplace:deals_rate", args=[purchase.pk]),
    )
    return purchase


@transaction.atomic
def purchase_declare(
    *,
    buyer,
    category: Category | None,
    purchased_on: date | None,
    product_model: ProductModel | None = None,
    brand: Brand | None = None,
    description: str = "",
    price=None,
    currency: str = "",
) -> Purchase:
    """Record something bought elsewhere ("a Trek Marlin 7 last spring"); not verified.

    Needs a category, a date not in the future, and either a product model or a brand or a
    description. The price is optional. Raises DomainError with what to fix."""
    description = (description or "").strip()
    if product_model is not None:
        category = category or product_model.category
        brand = brand or product_model.brand
    if category is None:
        raise DomainError("Choose a category.", code="no_category")
    if product_model is None and brand is None and not description:
        raise DomainError("Say what you bought: a product, a brand or a few words.", code="empty")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            f"Keep the description to {DESCRIPTION_MAX_LENGTH} characters.", code="too_long"
        )
    if purchased_on is None:
        raise DomainError("Say when you bought it.", code="no_date")
    if purchased_on > timezone.localdate():
        raise DomainError("The purchase date can't be in the future.", code="future_date")
    if price not in (None, ""):
        price = clean_amount(price)
        currency = currency or Listing.Currency.EUR
        if currency not in Listing.Currency.values:
            raise DomainError("Unknown currency.", code="bad_currency")
    else:
        price, currency = None, ""
    return Purchase.objects.create(
        buyer=buyer,
        category=category,
        product_model=product_model,
        brand=brand,
        description=description,
        price=price,
        currency=currency,
        verified=False,
        purchased_on=purchased_on,
    )
