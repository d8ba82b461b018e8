"""Deals: what happens between a buyer and a seller about one listing, and the checks they share.

Questions are public (the listing's audience reads them: `questions`); conversations are
private, one per buyer and listing (`conversations`); offers name a price, the seller accepts
one, the listing is reserved, the others are declined (`offers`); the seller marks the item sold
and a verified purchase is recorded, or people declare a purchase made elsewhere, not verified
(`purchases`); both sides of a sale may rate each other once (`ratings`).

Nobody is cold-messaged: a conversation and an offer are only ever created with the buyer as the
acting person, and a seller only ever *replies* in a conversation a buyer started. No deal
service takes a seller and a buyer and creates either; the tests hold us to it.

Every refusal raises a `config.errors` error with a message a person can act on and changes
nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NoReturn

from django.urls import NoReverseMatch, reverse

from accounts.models import User
from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Listing
from marketplace.services.money import MoneyInput, MoneyWords, clean_money

MAX_OFFER = Listing.MAX_PRICE

STATUS_REFUSALS: dict[str, str] = {
    Listing.Status.DRAFT: "This listing is not published yet.",
    Listing.Status.RESERVED: "This item is reserved for another buyer.",
    Listing.Status.SOLD: "This item is sold.",
    Listing.Status.WITHDRAWN: "The seller withdrew this listing.",
    Listing.Status.EXPIRED: "This listing has expired.",
}


def listing_url(listing: Listing) -> str:
    """The listing's page, or its questions page until the listing page exists."""
    try:
        return reverse("marketplace:listing", args=[listing.pk])
    except NoReverseMatch:
        return reverse("marketplace:deals_listing", args=[listing.pk])


def visible_listing(viewer: User, listing: Listing) -> Listing:
    """The listing page's rule (`Listing.objects.openable_by`: audience, blocks either way,
    moderation, unpublished listings for their seller alone), for one listing."""
    if not Listing.objects.openable_by(viewer).filter(pk=listing.pk).exists():
        visible_listing_refused()
    return listing


def visible_listing_refused() -> NoReturn:
    """The refusal of a listing the person may not open: as if it did not exist."""
    raise NotFound("This listing does not exist or is not shared with you.")


def check_buyer_may_write(buyer: User, listing: Listing, *, own_listing: str) -> None:
    """What a buyer's question or first message needs: a listing they may open (NotFound), not
    their own (NotAllowed, saying `own_listing`), still live (Conflict)."""
    visible_listing(buyer, listing)
    check_listing_of_another_on_sale(buyer.pk, listing, own_listing=own_listing)


def check_listing_of_another_on_sale(buyer_id: int, listing: Listing, *, own_listing: str) -> None:
    """`check_buyer_may_write` but the visibility, which bulk services read once per buyer
    (`openable_among`)."""
    if listing.seller_id == buyer_id:
        raise NotAllowed(own_listing, code="own_listing")
    if not listing.is_live:
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_live")


def clean_text(text: str | None, limit: int, what: str) -> str:
    """A question, answer or message, stripped: DomainError when empty or over `limit`."""
    text = (text or "").strip()
    if not text:
        raise DomainError(f"Write your {what} first.", code="empty")
    if len(text) > limit:
        raise DomainError(
            f"Keep your {what} to {limit} characters (it has {len(text)}).", code="too_long"
        )
    return text


OFFER_WORDS = MoneyWords(
    not_a_number=("Enter the amount as a number, like 99.50.", "bad_amount"),
    too_low=("An offer must be more than 0.", "bad_amount"),
    too_high=(f"An offer can be at most {MAX_OFFER:,}.", "bad_amount"),
    too_precise=("Use at most two decimals (cents).", "bad_amount"),
)


def clean_amount(amount: MoneyInput) -> Decimal:
    """An offer's amount as a Decimal: more than 0, at most 1,000,000, two decimals at most."""
    return clean_money(amount, maximum=MAX_OFFER, words=OFFER_WORDS)
