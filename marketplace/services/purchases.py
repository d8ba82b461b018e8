"""Purchases: a sale made here (verified, from the accepted offer) and a purchase declared
by the buyer (made elsewhere, not verified)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.bulk import numbered_rows
from config.errors import Conflict, DomainError, NotAllowed
from marketplace.models import Brand, Category, Listing, Offer, ProductModel, Purchase
from marketplace.selectors.deals import sale_candidates
from marketplace.services.deal_rules import STATUS_REFUSALS, clean_amount
from marketplace.services.listing_lifecycle import (
    ListingMove,
    listing_transition,
    listings_transition,
)
from marketplace.services.money import MoneyInput, MoneyWords, clean_money
from marketplace.services.offers import offers_decline_pending
from social.services.notifications import (
    NewNotification,
    Notice,
    notifications_create,
    notify,
)

DESCRIPTION_MAX_LENGTH = 200

SOLD_PRICE_WORDS = MoneyWords(
    not_a_number=("Give the price it sold for as a number, like 120 or 89,50.", "bad_price"),
    too_low=("The price it sold for must be more than 0.", "bad_price"),
    too_high=(f"The price it sold for can be at most {Listing.MAX_PRICE:,.0f}.", "bad_price"),
    too_precise=("Give the price with at most 2 decimals.", "bad_price"),
    field="price",
)


def clean_sold_price(price: MoneyInput) -> Decimal:
    return clean_money(price, maximum=Listing.MAX_PRICE, words=SOLD_PRICE_WORDS)


@transaction.atomic
def sale_complete(
    *,
    seller: User,
    listing: Listing,
    sold_to: User | None = None,
    price: MoneyInput = None,
    elsewhere: bool = False,
) -> Purchase:
    """The seller marks a listing sold, to `sold_to` at `price`, and a purchase records it.

    Without `sold_to`, to the buyer whose offer was accepted; `sold_to` may be anyone who asked,
    offered or wrote about the listing (`sale_candidates`); `elsewhere`: to someone not on
    Bazaar (the seller's record alone, not verified). The price defaults to the accepted offer,
    else the asking price. An active listing is reserved and sold in one go; its open offers are
    declined and their buyers told. The buyer is told and invited to review.
    Raises NotAllowed (not the seller), Conflict (not active or reserved, reserved for someone
    else, no buyer), DomainError (a buyer who never came by, a bad price)."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.seller_id != seller.pk:
        raise NotAllowed("Only the seller can mark this item sold.")
    accepted = (
        Offer.objects.filter(listing=listing, status=Offer.Status.ACCEPTED)
        .select_related("buyer")
        .first()
    )
    buyer = sold_to
    if buyer is None and not elsewhere:
        purchase = _sale(listing, accepted, timezone.now())  # the accepted offer's sale
        assert accepted is not None  # `_sale` refuses a listing without one
        buyer = accepted.buyer
        if price not in (None, ""):
            purchase.price = clean_sold_price(price)
    else:
        purchase = _sale_to(listing, accepted, None if elsewhere else buyer, price)
    if listing.status == Listing.Status.ACTIVE:
        listing_transition(listing, Listing.Status.RESERVED)
        offers_decline_pending(listing)
    purchase.save()
    listing_transition(listing, Listing.Status.SOLD)
    if buyer is not None and not elsewhere:
        notify(recipient=buyer, kind="market_sold", actor=seller, **_sold(purchase))
    return purchase


def _sale_to(
    listing: Listing, accepted: Offer | None, buyer: User | None, price: MoneyInput
) -> Purchase:
    """The rules on marking a listing sold to a chosen buyer (None: someone not on Bazaar) at
    a chosen price, and the purchase it records, unsaved."""
    if listing.status not in (Listing.Status.ACTIVE, Listing.Status.RESERVED):
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_for_sale")
    if accepted is not None and (buyer is None or buyer.pk != accepted.buyer_id):
        raise Conflict(
            f"It is reserved for {accepted.buyer.display_name}: release the reservation first "
            "to sell it to someone else.",
            code="reserved_for_another",
        )
    if buyer is not None and not sale_candidates(listing).filter(pk=buyer.pk).exists():
        raise DomainError(
            "Choose one of the people who asked, offered or wrote about it, or “someone else”.",
            code="not_a_candidate",
            field="buyer",
        )
    if price in (None, ""):
        amount = accepted.price if accepted is not None else listing.price  # a counter, if any
    else:
        amount = clean_sold_price(price)
    return Purchase(
        buyer=buyer,
        seller_id=listing.seller_id,
        listing=listing,
        product_model=listing.product_model,
        category=listing.category,
        brand=listing.brand,
        description=listing.title[:DESCRIPTION_MAX_LENGTH],
        price=amount,
        currency=listing.currency,
        # Verified: the two met over this listing here. Sold off Bazaar: the seller's word alone.
        verified=buyer is not None,
        purchased_on=timezone.localdate(),
    )


def _sale(listing: Listing, accepted: Offer | None, now: datetime) -> Purchase:
    """The rules on marking a listing sold (reserved, with its accepted offer), and the verified
    purchase it records, unsaved."""
    if listing.status != Listing.Status.RESERVED:
        if listing.status == Listing.Status.ACTIVE:
            raise Conflict("Accept an offer first; then mark the item sold to that buyer.")
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_reserved")
    if accepted is None:
        raise Conflict("No offer is accepted on this listing.")
    return Purchase(
        buyer_id=accepted.buyer_id,
        seller_id=listing.seller_id,
        listing=listing,
        product_model=listing.product_model,
        category=listing.category,
        brand=listing.brand,
        description=listing.title[:DESCRIPTION_MAX_LENGTH],
        price=accepted.price,  # the counter-offer, when the buyer accepted one
        currency=listing.currency,
        verified=True,
        purchased_on=timezone.localdate(now),
    )


def _sold(purchase: Purchase) -> Notice:
    """What the buyer is told of a sale."""
    assert purchase.listing is not None
    return {
        "text": f"“{purchase.listing.title}” is yours. You can now review it and rate the seller.",
        "url": reverse("marketplace:deals_rate", args=[purchase.pk]),
    }


@dataclass(frozen=True)
class Sale:
    """A reserved listing to mark sold in bulk, and when (None: now)."""

    listing: Listing
    at: datetime | None = None


@transaction.atomic
def sales_complete(*, sales: Sequence[Sale]) -> list[Purchase]:
    """`sale_complete` for many listings at once (the demo, imports), under its rules, each
    buyer told, back-dated. Raises DomainError naming the first row refused; then nothing is
    written. Returns the verified purchases, in order."""
    locked = Listing.objects.select_for_update().in_bulk({sale.listing.pk for sale in sales})
    accepted = {
        offer.listing_id: offer
        for offer in Offer.objects.filter(listing__in=locked, status=Offer.Status.ACCEPTED)
    }
    rows = []
    for index, sale in enumerate(sales):
        listing = sale.listing
        listing.status = locked[listing.pk].status
        with numbered_rows(index):
            rows.append(_sale(listing, accepted.get(listing.pk), sale.at or timezone.now()))
    written = Purchase.objects.bulk_create(rows, batch_size=200)
    listings_transition(
        moves=[ListingMove(sale.listing, Listing.Status.SOLD, sale.at) for sale in sales]
    )
    notifications_create(
        notices=[
            NewNotification(
                recipient_id=purchase.buyer_id,
                kind="market_sold",
                actor_id=purchase.seller_id,
                at=sale.at,
                **_sold(purchase),
            )
            for sale, purchase in zip(sales, written, strict=True)
            if purchase.buyer_id is not None
        ]
    )
    return written


@transaction.atomic
def purchase_declare(
    *,
    buyer: User,
    category: Category | None,
    purchased_on: date | None,
    product_model: ProductModel | None = None,
    brand: Brand | None = None,
    description: str = "",
    price: MoneyInput = None,
    currency: str = "",
) -> Purchase:
    """Record something bought elsewhere ("a Trek Marlin 7 last spring"); not verified.

    Needs a category, a date not in the future, and either a product model or a brand or a
    description. The price is optional. Raises DomainError with what to fix."""
    return _declared(
        buyer.pk, category, purchased_on, product_model, brand, description, price, currency
    )


def _declared(
    buyer_id: int,
    category: Category | None,
    purchased_on: date | None,
    product_model: ProductModel | None,
    brand: Brand | None,
    description: str,
    price: MoneyInput,
    currency: str,
    *,
    save: bool = True,
) -> Purchase:
    """The rules on a declared purchase (`purchase_declare`), on the row it makes: saved, or
    (`save=False`) left for a bulk insert."""
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
    amount: Decimal | None = None
    if price not in (None, ""):
        amount = clean_amount(price)
        currency = currency or Listing.Currency.EUR
        if currency not in Listing.Currency.values:
            raise DomainError("Unknown currency.", code="bad_currency")
    else:
        currency = ""
    purchase = Purchase(
        buyer_id=buyer_id,
        category=category,
        product_model=product_model,
        brand=brand,
        description=description,
        price=amount,
        currency=currency,
        verified=False,
        purchased_on=purchased_on,
    )
    if save:
        purchase.save()
    return purchase


@dataclass(frozen=True)
class DeclaredPurchase:
    """A purchase made elsewhere, to declare in bulk: `purchase_declare`'s arguments, the buyer
    by id."""

    buyer_id: int
    category: Category | None
    purchased_on: date | None
    product_model: ProductModel | None = None
    brand: Brand | None = None
    description: str = ""
    price: MoneyInput = None
    currency: str = ""


@transaction.atomic
def purchases_declare(*, purchases: Sequence[DeclaredPurchase]) -> list[Purchase]:
    """`purchase_declare` for many at once (the demo, imports), under its rules. Raises
    DomainError naming the first row refused; then nothing is written."""
    rows = []
    for index, row in enumerate(purchases):
        with numbered_rows(index):
            rows.append(
                _declared(
                    row.buyer_id,
                    row.category,
                    row.purchased_on,
                    row.product_model,
                    row.brand,
                    row.description,
                    row.price,
                    row.currency,
                    save=False,
                )
            )
    return Purchase.objects.bulk_create(rows, batch_size=200)
