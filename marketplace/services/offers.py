"""Offers and the reservation they lead to.

A buyer offers a price; the seller accepts one, the listing is reserved for that buyer and every
other open offer is declined; the seller may release the reservation. `offer_make` while the
buyer has an open offer on the listing replaces it: the old one becomes withdrawn and the new
one is open (the seller sees one current offer per buyer).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Listing, Offer
from marketplace.services.deal_rules import (
    STATUS_REFUSALS,
    clean_amount,
    listing_url,
    visible_listing,
)
from marketplace.services.listing_lifecycle import listing_transition
from social.services.notifications import notify


def _offers_url() -> str:
    return reverse("marketplace:deals_offers_made")


def offer_make(*, buyer, listing: Listing, amount, message: str = "") -> Offer:
    """A buyer offers a price for an active listing they can see; the seller is notified.

    An open offer of the same buyer on the listing is replaced (withdrawn) by the new one.
    Raises NotFound (not shared with the buyer, or not published: draft, withdrawn, expired),
    NotAllowed (own listing), Conflict (reserved or sold), DomainError (amount or message)."""
    amount = clean_amount(amount)
    message = (message or "").strip()
    if len(message) > Offer._meta.get_field("message").max_length:
        raise DomainError("Keep the message to 500 characters.", code="too_long")
    with transaction.atomic():
        # The listing row lock orders offers against acceptance: no offer slips in while the
        # seller accepts another one.
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        visible_listing(buyer, locked)
        if locked.seller_id == buyer.pk:
            raise NotAllowed("You can't make an offer on your own listing.", code="own_listing")
        if locked.status != Listing.Status.ACTIVE:
            raise Conflict(STATUS_REFUSALS[locked.status], code="not_active")
        now = timezone.now()
        Offer.objects.filter(listing=locked, buyer=buyer, status=Offer.Status.OPEN).update(
            status=Offer.Status.WITHDRAWN, responded_at=now
        )
        offer = Offer.objects.create(listing=locked, buyer=buyer, amount=amount, message=message)
        notify(
            recipient=locked.seller,
            kind="market_offer",
            actor=buyer,
            text=f"{buyer.display_name} offered {amount} {locked.currency} for “{locked.title}”.",
            url=reverse("marketplace:deals_offers_received"),
        )
    return offer


@transaction.atomic
def offer_withdraw(*, buyer, offer: Offer) -> Offer:
    """The buyer takes back their open offer. Raises NotFound (not theirs), Conflict (not open)."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.buyer_id != buyer.pk:
        raise NotFound("No such offer.")
    if offer.status != Offer.Status.OPEN:
        raise Conflict(f"This offer is already {offer.get_status_display().lower()}.")
    offer.status = Offer.Status.WITHDRAWN
    offer.responded_at = timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    return offer


@transaction.atomic
def offer_decline(*, seller, offer: Offer) -> Offer:
    """The seller declines an open offer; the buyer is told.
    Raises NotAllowed (not the seller), Conflict (not open)."""
    offer = Offer.objects.select_for_update().select_related("listing", "buyer").get(pk=offer.pk)
    if offer.listing.seller_id != seller.pk:
        raise NotAllowed("Only the seller can decline an offer.")
    if offer.status != Offer.Status.OPEN:
        raise Conflict(f"This offer is already {offer.get_status_display().lower()}.")
    offer.status = Offer.Status.DECLINED
    offer.responded_at = timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    notify(
        recipient=offer.buyer,
        kind="market_offer_declined",
        actor=seller,
        text=f"Your offer for “{offer.listing.title}” was declined.",
        url=_offers_url(),
    )
    return offer


ACCEPT_LOST = "Another offer on this listing was accepted a moment ago."


def offer_accept(*, seller, offer: Offer) -> Offer:
    """The seller accepts one open offer: the listing becomes reserved, every other open offer is
    declined and its buyer told, the accepted buyer is told.

    Concurrency: the listing row is locked first (`SELECT ... FOR UPDATE`), then its offers, so
    two acceptances on one listing run one after the other and the second finds the listing
    reserved. Should the locks ever be bypassed, the partial unique constraint
    `one_accepted_offer` still allows one accepted offer per listing; the loser gets Conflict.
    Raises NotAllowed (not the seller), Conflict (listing not active, offer not open, lost race).
    """
    try:
        with transaction.atomic():
            listing = Listing.objects.select_for_update().get(pk=offer.listing_id)
            if listing.seller_id != seller.pk:
                raise NotAllowed("Only the seller can accept an offer.")
            open_offers = list(
                Offer.objects.select_for_update()
                .filter(listing=listing)
                .filter(Q(status=Offer.Status.OPEN) | Q(pk=offer.pk))
                .select_related("buyer")
                .order_by("pk")
            )
            chosen = next(o for o in open_offers if o.pk == offer.pk)
            if chosen.status == Offer.Status.ACCEPTED:
                raise Conflict("You already accepted this offer.", code="already_accepted")
            if listing.status == Listing.Status.RESERVED:
                raise Conflict(ACCEPT_LOST, code="lost_race")
            if listing.status != Listing.Status.ACTIVE:
                raise Conflict(STATUS_REFUSALS[listing.status], code="not_active")
            if chosen.status != Offer.Status.OPEN:
                state = chosen.get_status_display().lower()
                raise Conflict(f"This offer is {state}; only an open offer can be accepted.")
            now = timezone.now()
            chosen.status = Offer.Status.ACCEPTED
            chosen.responded_at = now
            chosen.save(update_fields=["status", "responded_at"])
            listing_transition(listing, Listing.Status.RESERVED)
            losers = [o for o in open_offers if o.pk != chosen.pk]
            Offer.objects.filter(pk__in=[o.pk for o in losers]).update(
                status=Offer.Status.DECLINED, responded_at=now
            )
            for lost in losers:
                notify(
                    recipient=lost.buyer,
                    kind="market_offer_declined",
                    actor=seller,
                    text=f"The seller accepted another offer for “{listing.title}”.",
                    url=_offers_url(),
                )
            notify(
                recipient=chosen.buyer,
                kind="market_offer_accepted",
                actor=seller,
                text=f"{seller.display_name} accepted your offer of {chosen.amount} "
                f"{listing.currency} for “{listing.title}”. The item is reserved for you.",
                url=_offers_url(),
            )
            return chosen
    except IntegrityError:
        raise Conflict(ACCEPT_LOST, code="lost_race") from None


@transaction.atomic
def reservation_cancel(*, seller, listing: Listing) -> Listing:
    """The seller releases a reservation (the buyer did not come): the accepted offer becomes
    declined, the buyer is told, and the listing is active again for new offers.
    Raises NotAllowed (not the seller), Conflict (not reserved)."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.seller_id != seller.pk:
        raise NotAllowed("Only the seller can release a reservation.")
    if listing.status != Listing.Status.RESERVED:
        raise Conflict("This listing is not reserved.", code="not_reserved")
    accepted = list(
        Offer.objects.select_for_update()
        .filter(listing=listing, status=Offer.Status.ACCEPTED)
        .select_related("buyer")
    )
    Offer.objects.filter(pk__in=[o.pk for o in accepted]).update(
        status=Offer.Status.DECLINED, responded_at=timezone.now()
    )
    listing_transition(listing, Listing.Status.ACTIVE)
    for offer in accepted:
        notify(
            recipient=offer.buyer,
            kind="market_offer_declined",
            actor=seller,
            text=f"The seller released the reservation of “{listing.title}” for you.",
            url=_offers_url(),
        )
    return listing


@transaction.atomic
def reservations_release_for_erased(*, buyer) -> int:
    """`buyer`'s account is being erased: every listing reserved for them (their accepted
    offer) is active again, and its seller told. Returns how many were released.

    Their offers themselves go with the account; without this, a listing would stay reserved
    for nobody."""
    accepted = list(
        Offer.objects.select_for_update()
        .filter(buyer=buyer, status=Offer.Status.ACCEPTED, listing__status=Listing.Status.RESERVED)
        .select_related("listing__seller")
        .order_by("pk")
    )
    for offer in accepted:
        listing = offer.listing
        offer.status = Offer.Status.DECLINED
        offer.responded_at = timezone.now()
        offer.save(update_fields=["status", "responded_at"])
        listing_transition(listing, Listing.Status.ACTIVE)
        notify(
            recipient=listing.seller,
            kind="market_reservation_released",
            text=f"“{listing.title}” is no longer reserved: the buyer's account was deleted. "
            "It is active again for new offers.",
            url=listing_url(listing),
        )
    return len(accepted)
