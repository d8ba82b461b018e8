"""Offers and the reservation they lead to.

A buyer offers a price; the seller may answer with a counter-offer, which the buyer accepts,
declines or answers with a new offer; the seller accepts one (or the buyer the counter-offer),
the listing is reserved for that buyer and every other open offer is declined; the seller may
release the reservation. `offer_make` while the buyer has an open (or countered) offer on the
listing replaces it: the old one becomes withdrawn and the new one is open (the seller sees one
current offer per buyer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.bulk import backdate, numbered_rows
from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Listing, Offer
from marketplace.selectors.listings import openable_among
from marketplace.services.deal_rules import (
    STATUS_REFUSALS,
    clean_amount,
    listing_url,
    visible_listing,
    visible_listing_refused,
)
from marketplace.services.listing_lifecycle import (
    ListingMove,
    listing_transition,
    listings_transition,
)
from marketplace.services.money import MoneyInput, money
from social.services.notifications import (
    NewNotification,
    Notice,
    notifications_create,
    notify,
)


def _offers_url() -> str:
    return reverse("marketplace:deals_offers_made")


def offer_make(*, buyer: User, listing: Listing, amount: MoneyInput, message: str = "") -> Offer:
    """A buyer offers a price for an active listing they can see; the seller is notified.

    An open offer of the same buyer on the listing is replaced (withdrawn) by the new one.
    Raises NotFound (not shared with the buyer, or not published: draft, withdrawn, expired),
    NotAllowed (own listing), Conflict (reserved or sold), DomainError (amount or message)."""
    amount, message = _offer_terms(amount, message)
    with transaction.atomic():
        # The listing row lock orders offers against acceptance: no offer slips in while the
        # seller accepts another one.
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        visible_listing(buyer, locked)
        _check_offer_on(buyer.pk, locked)
        now = timezone.now()
        # A new offer replaces the buyer's open one, and answers a counter-offer waiting for them.
        Offer.objects.filter(
            listing=locked,
            buyer=buyer,
            status__in=(Offer.Status.OPEN, Offer.Status.COUNTERED),
        ).update(status=Offer.Status.WITHDRAWN, responded_at=now)
        offer = Offer.objects.create(listing=locked, buyer=buyer, amount=amount, message=message)
        notify(recipient=locked.seller, kind="market_offer", actor=buyer, **_offered(buyer, offer))
    return offer


def _offer_terms(amount: MoneyInput, message: str) -> tuple[Decimal, str]:
    """An offer's amount and message, checked."""
    amount = clean_amount(amount)
    message = (message or "").strip()
    if len(message) > Offer.MESSAGE_MAX_LENGTH:
        raise DomainError(
            f"Keep the message to {Offer.MESSAGE_MAX_LENGTH} characters.", code="too_long"
        )
    return amount, message


def _check_offer_on(buyer_id: int, listing: Listing) -> None:
    """The rules on an offer on a listing the buyer may open."""
    if listing.seller_id == buyer_id:
        raise NotAllowed("You can't make an offer on your own listing.", code="own_listing")
    if listing.status != Listing.Status.ACTIVE:
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_active")


def _offered(buyer: User, offer: Offer) -> Notice:
    """What the seller is told of an offer."""
    listing = offer.listing
    return {
        "text": f"{buyer.display_name} offered {money(offer.amount, listing.currency)} "
        f"for “{listing.title}”.",
        "url": reverse("marketplace:deals_offers_received"),
    }


@transaction.atomic
def offer_withdraw(*, buyer: User, offer: Offer) -> Offer:
    """The buyer takes back their open (or countered) offer. Raises NotFound (not theirs),
    Conflict (answered already)."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.buyer_id != buyer.pk:
        raise NotFound("No such offer.")
    if offer.status not in (Offer.Status.OPEN, Offer.Status.COUNTERED):
        raise Conflict(f"This offer is already {offer.get_status_display().lower()}.")
    offer.status = Offer.Status.WITHDRAWN
    offer.responded_at = timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    return offer


@transaction.atomic
def offer_decline(*, seller: User, offer: Offer) -> Offer:
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
        **_declined(offer, other_accepted=False),
    )
    return offer


def _declined(offer: Offer, *, other_accepted: bool, sold: bool = False) -> Notice:
    """What a buyer is told of their offer declined (by itself, by another's acceptance, or by
    the item sold without it)."""
    title = offer.listing.title
    if sold:
        text = f"“{title}” is sold; your offer is closed."
    elif other_accepted:
        text = f"The seller accepted another offer for “{title}”."
    else:
        text = f"Your offer for “{title}” was declined."
    return {"text": text, "url": _offers_url()}


def _accepted(offer: Offer, seller: User) -> Notice:
    """What a buyer is told of their offer accepted."""
    listing = offer.listing
    return {
        "text": f"{seller.display_name} accepted your offer of "
        f"{money(offer.amount, listing.currency)} for “{listing.title}”. "
        "The item is reserved for you.",
        "url": _offers_url(),
    }


def _declined_notice(offer: Offer, at: datetime, *, other_accepted: bool) -> NewNotification:
    return NewNotification(
        recipient_id=offer.buyer_id,
        kind="market_offer_declined",
        actor_id=offer.listing.seller_id,
        at=at,
        **_declined(offer, other_accepted=other_accepted),
    )


def _accepted_notice(offer: Offer, at: datetime) -> NewNotification:
    return NewNotification(
        recipient_id=offer.buyer_id,
        kind="market_offer_accepted",
        actor_id=offer.listing.seller_id,
        at=at,
        **_accepted(offer, offer.listing.seller),
    )


ACCEPT_LOST = "Another offer on this listing was accepted a moment ago."


def offer_accept(*, seller: User, offer: Offer) -> Offer:
    """The seller accepts one open offer: the listing becomes reserved, every other open or
    countered offer is declined and its buyer told, the accepted buyer is told.

    Concurrency: the listing row is locked first (`SELECT ... FOR UPDATE`), then its offers, so
    two acceptances on one listing (the seller's, or a buyer's of a counter-offer) run one after
    the other and the second finds the listing reserved. Should the locks ever be bypassed, the
    partial unique constraint `one_accepted_offer` still allows one accepted offer per listing;
    the loser gets Conflict.
    Raises NotAllowed (not the seller), Conflict (listing not active, offer not open, lost race).
    """

    def check(listing: Listing, chosen: Offer) -> None:
        if listing.seller_id != seller.pk:
            raise NotAllowed("Only the seller can accept an offer.")
        if chosen.status == Offer.Status.COUNTERED and listing.status == Listing.Status.ACTIVE:
            raise Conflict(
                "You answered this offer with a counter-offer; the buyer decides now.",
                code="countered",
            )

    chosen = _accept(offer, check, open_status=Offer.Status.OPEN)
    notify(
        recipient=chosen.buyer,
        kind="market_offer_accepted",
        actor=seller,
        **_accepted(chosen, seller),
    )
    return chosen


PENDING = (Offer.Status.OPEN, Offer.Status.COUNTERED)


def _decline(offers: Sequence[Offer], listing: Listing, now: datetime, *, sold: bool) -> None:
    """Decline `offers` (pending ones on `listing`, locked) because another was accepted or the
    item is `sold`, and tell each buyer."""
    Offer.objects.filter(pk__in=[o.pk for o in offers]).update(
        status=Offer.Status.DECLINED, responded_at=now
    )
    for lost in offers:
        lost.listing = listing
        notify(
            recipient=lost.buyer,
            kind="market_offer_declined",
            actor=listing.seller,
            **_declined(lost, other_accepted=True, sold=sold),
        )


def offers_decline_pending(listing: Listing) -> int:
    """The seller sold `listing` (locked by the caller) without accepting these: every open or
    countered offer on it is declined and its buyer told. Returns how many."""
    pending = list(
        Offer.objects.select_for_update()
        .filter(listing=listing, status__in=PENDING)
        .select_related("buyer")
        .order_by("pk")
    )
    _decline(pending, listing, timezone.now(), sold=True)
    return len(pending)


def _accept(offer: Offer, check: Callable[[Listing, Offer], None], *, open_status: str) -> Offer:
    """Accept `offer` (in `open_status`) under the listing's row lock: reserve the listing,
    decline every other open or countered offer on it (their buyers told). `check(listing,
    offer)` raises for whoever may not accept it. Conflict for a lost race."""
    try:
        with transaction.atomic():
            listing = Listing.objects.select_for_update().get(pk=offer.listing_id)
            open_offers = list(
                Offer.objects.select_for_update()
                .filter(listing=listing)
                .filter(Q(status__in=PENDING) | Q(pk=offer.pk))
                .select_related("buyer")
                .order_by("pk")
            )
            chosen = next(o for o in open_offers if o.pk == offer.pk)
            check(listing, chosen)
            if chosen.status == Offer.Status.ACCEPTED:
                raise Conflict("This offer is already accepted.", code="already_accepted")
            if listing.status == Listing.Status.RESERVED:
                raise Conflict(ACCEPT_LOST, code="lost_race")
            if listing.status != Listing.Status.ACTIVE:
                raise Conflict(STATUS_REFUSALS[listing.status], code="not_active")
            if chosen.status != open_status:
                state = chosen.get_status_display().lower()
                raise Conflict(f"This offer is {state}; it can't be accepted now.")
            now = timezone.now()
            chosen.status = Offer.Status.ACCEPTED
            chosen.responded_at = now
            chosen.save(update_fields=["status", "responded_at"])
            listing_transition(listing, Listing.Status.RESERVED)
            _decline([o for o in open_offers if o.pk != chosen.pk], listing, now, sold=False)
            chosen.listing = listing
            return chosen
    except IntegrityError:
        raise Conflict(ACCEPT_LOST, code="lost_race") from None


# --- Counter-offers ---------------------------------------------------------------------------


@transaction.atomic
def offer_counter(*, seller: User, offer: Offer, amount: MoneyInput) -> Offer:
    """The seller answers an open offer with their own price; the buyer is told and may accept
    it (`counter_accept`), decline it (`counter_decline`) or make a new offer.
    Raises NotAllowed (not the seller), Conflict (offer not open, listing not active),
    DomainError (amount)."""
    amount = clean_amount(amount)
    listing = Listing.objects.select_for_update().get(pk=offer.listing_id)
    offer = Offer.objects.select_for_update().select_related("buyer").get(pk=offer.pk)
    if listing.seller_id != seller.pk:
        raise NotAllowed("Only the seller can answer an offer.")
    if listing.status != Listing.Status.ACTIVE:
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_active")
    if offer.status != Offer.Status.OPEN:
        raise Conflict(f"This offer is already {offer.get_status_display().lower()}.")
    if amount == offer.amount:
        raise DomainError(
            "That is the buyer's own price: accept the offer instead.", code="same_amount"
        )
    offer.status = Offer.Status.COUNTERED
    offer.counter_amount = amount
    offer.countered_at = timezone.now()
    offer.save(update_fields=["status", "counter_amount", "countered_at"])
    offer.listing = listing
    notify(
        recipient=offer.buyer,
        kind="market_offer_countered",
        actor=seller,
        text=f"{seller.display_name} answered your offer of "
        f"{money(offer.amount, listing.currency)} for “{listing.title}” with "
        f"{money(amount, listing.currency)}.",
        url=_offers_url(),
    )
    return offer


def counter_accept(*, buyer: User, offer: Offer) -> Offer:
    """The buyer accepts the seller's counter-offer: the deal is at the counter price, the
    listing reserved for them and every other offer declined, as when the seller accepts one
    (`offer_accept`, under the same locks: of two acceptances racing, one wins). The seller is
    told. Raises NotFound (not their offer), Conflict (no counter-offer waiting, lost race)."""

    def check(listing: Listing, chosen: Offer) -> None:
        if chosen.buyer_id != buyer.pk:
            raise NotFound("No such offer.")

    chosen = _accept(offer, check, open_status=Offer.Status.COUNTERED)
    listing = chosen.listing
    notify(
        recipient=listing.seller,
        kind="market_counter_accepted",
        actor=buyer,
        text=f"{buyer.display_name} accepted your price of "
        f"{money(chosen.price, listing.currency)} for “{listing.title}”. "
        "The item is reserved for them.",
        url=reverse("marketplace:deals_offers_received"),
    )
    return chosen


@transaction.atomic
def counter_decline(*, buyer: User, offer: Offer) -> Offer:
    """The buyer declines the seller's counter-offer; the seller is told. The buyer may still
    make a new offer. Raises NotFound (not their offer), Conflict (no counter-offer waiting)."""
    offer = Offer.objects.select_for_update().select_related("listing__seller").get(pk=offer.pk)
    if offer.buyer_id != buyer.pk:
        raise NotFound("No such offer.")
    if offer.status != Offer.Status.COUNTERED:
        raise Conflict("There is no counter-offer waiting for your answer.", code="not_countered")
    offer.status = Offer.Status.DECLINED
    offer.responded_at = timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    listing = offer.listing
    notify(
        recipient=listing.seller,
        kind="market_counter_declined",
        actor=buyer,
        text=f"{buyer.display_name} declined your price of "
        f"{money(offer.counter_amount, listing.currency)} for “{listing.title}”.",
        url=reverse("marketplace:deals_offers_received"),
    )
    return offer


@transaction.atomic
def reservation_cancel(*, seller: User, listing: Listing) -> Listing:
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
def reservations_release_for_erased(*, buyer: User) -> int:
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


# --- Many at once (the demo, imports) --------------------------------------------------------


@dataclass(frozen=True)
class NewOffer:
    """An offer to make in bulk (`offer_make`'s arguments, the buyer by id), and when."""

    buyer_id: int
    listing: Listing
    amount: MoneyInput
    message: str = ""
    at: datetime | None = None


@transaction.atomic
def offers_make(*, offers: Sequence[NewOffer]) -> list[Offer]:
    """`offer_make` for many offers at once (the demo, imports), under its rules (a listing the
    buyer may open: one query per buyer; active now), each seller told, back-dated. A buyer's
    open offer on the listing is replaced, as by one. Raises DomainError naming the first row
    refused; then nothing is written. Returns the offers, in order."""
    buyers = User.objects.select_related("profile").in_bulk({row.buyer_id for row in offers})
    statuses = dict(
        Listing.objects.select_for_update()
        .filter(pk__in={row.listing.pk for row in offers})
        .values_list("pk", "status")
    )
    openable = openable_among(buyers, [(row.buyer_id, row.listing.pk) for row in offers])
    rows = []
    for index, row in enumerate(offers):
        with numbered_rows(index):
            if (row.buyer_id, row.listing.pk) not in openable:
                visible_listing_refused()
            row.listing.status = statuses[row.listing.pk]
            _check_offer_on(row.buyer_id, row.listing)
            amount, message = _offer_terms(row.amount, row.message)
        rows.append(
            Offer(listing=row.listing, buyer_id=row.buyer_id, amount=amount, message=message)
        )
    for row in offers:  # replaced, as `offer_make` replaces them
        Offer.objects.filter(
            listing=row.listing, buyer_id=row.buyer_id, status=Offer.Status.OPEN
        ).update(status=Offer.Status.WITHDRAWN, responded_at=row.at or timezone.now())
    written = Offer.objects.bulk_create(rows, batch_size=200)
    backdate(written, {"created_at": [row.at for row in offers]})
    notifications_create(
        notices=[
            NewNotification(
                recipient_id=offer.listing.seller_id,
                kind="market_offer",
                actor_id=offer.buyer_id,
                at=row.at,
                **_offered(buyers[row.buyer_id], offer),
            )
            for row, offer in zip(offers, written, strict=True)
        ]
    )
    return written


@dataclass(frozen=True)
class OfferAnswer:
    """A seller's answer to an open offer in bulk: accepted or declined, and when."""

    offer: Offer
    accept: bool
    at: datetime | None = None


@transaction.atomic
def offers_answer(*, answers: Sequence[OfferAnswer]) -> list[Offer]:
    """`offer_decline` and `offer_accept` for many offers at once (the demo, imports), in order,
    under their rules (an open offer; an active listing to accept on, which is reserved and its
    other open offers declined), with the notices they leave, back-dated. Raises DomainError
    naming the first row refused; then nothing is written. Returns the offers answered."""
    listing_ids = {answer.offer.listing_id for answer in answers}
    current = {
        offer.pk: offer
        for offer in Offer.objects.select_for_update(of=("self",))
        .filter(listing_id__in=listing_ids)
        .select_related("listing__seller__profile", "buyer")
        .order_by("pk")
    }
    statuses = {offer.listing_id: offer.listing.status for offer in current.values()}
    answered: dict[int, Offer] = {}
    moves: list[ListingMove] = []
    notices: list[NewNotification] = []
    for index, answer in enumerate(answers):
        offer = current[answer.offer.pk]
        listing, now = offer.listing, answer.at or timezone.now()
        with numbered_rows(index):
            if offer.status != Offer.Status.OPEN:
                state = offer.get_status_display().lower()
                raise Conflict(f"This offer is {state}; only an open offer can be answered.")
            if answer.accept and statuses[listing.pk] != Listing.Status.ACTIVE:
                raise Conflict(STATUS_REFUSALS[statuses[listing.pk]], code="not_active")
        losers = [offer]
        if answer.accept:
            losers = [
                o
                for o in current.values()
                if o.listing_id == listing.pk and o.status == Offer.Status.OPEN and o != offer
            ]
            offer.status, offer.responded_at = Offer.Status.ACCEPTED, now
            statuses[listing.pk] = Listing.Status.RESERVED
            moves.append(ListingMove(listing, Listing.Status.RESERVED, now))
            notices.append(_accepted_notice(offer, now))
        for lost in losers:
            lost.status, lost.responded_at = Offer.Status.DECLINED, now
            notices.append(_declined_notice(lost, now, other_accepted=answer.accept))
            answered[lost.pk] = lost
        answered[offer.pk] = offer
    Offer.objects.bulk_update(list(answered.values()), ["status", "responded_at"], batch_size=200)
    listings_transition(moves=moves)
    notifications_create(notices=notices)
    return list(answered.values())
