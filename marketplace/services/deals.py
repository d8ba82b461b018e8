"""Deals: what happens between a buyer and a seller about one listing.

Questions are public (the listing's audience reads them); conversations are private, one per buyer
and listing; offers name a price; the seller accepts one, the listing is reserved, the others are
declined; the seller marks the item sold, a verified purchase is recorded and both sides may rate
each other once. People may also declare a purchase made elsewhere (not verified).

Nobody is cold-messaged: a conversation and an offer are only ever created with the buyer as the
acting person, and a seller only ever *replies* in a conversation a buyer started. There is no
function here that takes a seller and a buyer and creates either; the tests hold us to it.

Choices:
- `conversation_start` a second time for the same buyer and listing adds the message to the
  existing conversation and returns it (a person who writes again should not be refused).
- `offer_make` while the buyer has an open offer on the listing replaces it: the old one becomes
  withdrawn and the new one is open (the seller sees one current offer per buyer).

Every refusal raises a `config.errors` error with a message a person can act on and changes
nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import (
    Brand,
    Category,
    Conversation,
    Listing,
    Message,
    Offer,
    ProductModel,
    Purchase,
    Question,
    Rating,
)
from marketplace.services.listings import listing_transition
from marketplace.services.money import MoneyWords, clean_money
from social.models import Block
from social.services.notifications import notify

MAX_OFFER = Listing.MAX_PRICE
RATING_LINE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 200

STATUS_REFUSALS = {
    Listing.Status.DRAFT: "This listing is not published yet.",
    Listing.Status.RESERVED: "This item is reserved for another buyer.",
    Listing.Status.SOLD: "This item is sold.",
    Listing.Status.WITHDRAWN: "The seller withdrew this listing.",
    Listing.Status.EXPIRED: "This listing has expired.",
}


# --- Shared checks ---------------------------------------------------------------------------


def _listing_url(listing: Listing) -> str:
    """The listing's page, or its questions page until the listing page exists."""
    try:
        return reverse("marketplace:listing", args=[listing.pk])
    except NoReverseMatch:
        return reverse("marketplace:deals_listing", args=[listing.pk])


def _visible_listing(viewer, listing: Listing) -> Listing:
    """The listing page's rule (`Listing.objects.openable_by`: audience, blocks either way,
    moderation, unpublished listings for their seller alone), for one listing."""
    if not Listing.objects.openable_by(viewer).filter(pk=listing.pk).exists():
        raise NotFound("This listing does not exist or is not shared with you.")
    return listing


def _blocked(a, b) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a.pk, blocked_id=b.pk) | Q(blocker_id=b.pk, blocked_id=a.pk)
    ).exists()


def _clean_text(text: str | None, limit: int, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"Write your {what} first.", code="empty")
    if len(text) > limit:
        raise DomainError(
            f"Keep your {what} to {limit} characters (it has {len(text)}).", code="too_long"
        )
    return text


def _move(listing: Listing, to_status: str) -> None:
    """Change a listing's status through the one lifecycle (it raises Conflict if illegal)."""
    listing_transition(listing, to_status)


# --- Questions -------------------------------------------------------------------------------


@transaction.atomic
def question_ask(*, asker, listing: Listing, text: str) -> Question:
    """Ask a public question on a live listing you can see; the seller is notified.

    Raises NotFound (listing not shared with the asker, or not published), NotAllowed (the seller
    asking on their own listing), Conflict (sold), DomainError (empty or long text)."""
    _visible_listing(asker, listing)
    if listing.seller_id == asker.pk:
        raise NotAllowed(
            "You can't ask a question on your own listing; add it to the description.",
            code="own_listing",
        )
    if not listing.is_live:
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_live")
    text = _clean_text(text, Question.TEXT_MAX_LENGTH, "question")
    question = Question.objects.create(listing=listing, asker=asker, text=text)
    notify(
        recipient=listing.seller,
        kind="market_question",
        actor=asker,
        text=f"{asker.display_name} asked about “{listing.title}”: {text}",
        url=_listing_url(listing),
    )
    return question


@transaction.atomic
def question_answer(*, seller, question: Question, text: str) -> Question:
    """The seller answers (or corrects the answer to) a question; the asker is notified.

    Raises NotAllowed for anyone but the listing's seller, DomainError for empty or long text."""
    listing = question.listing
    if listing.seller_id != seller.pk:
        raise NotAllowed("Only the seller can answer questions on this listing.")
    text = _clean_text(text, Question.TEXT_MAX_LENGTH, "answer")
    question.answer = text
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    if not _blocked(seller, question.asker):
        notify(
            recipient=question.asker,
            kind="market_answer",
            actor=seller,
            text=f"{seller.display_name} answered your question about “{listing.title}”.",
            url=_listing_url(listing),
        )
    return question


# --- Conversations ---------------------------------------------------------------------------


def _conversation_url(conversation: Conversation) -> str:
    return reverse("marketplace:deals_conversation", args=[conversation.pk])


@transaction.atomic
def conversation_start(*, buyer, listing: Listing, text: str) -> Conversation:
    """A buyer writes to the seller about a live listing they can see.

    The only way a conversation comes to exist: the acting person is always the buyer, never the
    seller. Writing again returns the same conversation with the new message added.
    Raises NotFound (not shared with the buyer, blocked either way, not published), NotAllowed
    (the seller), Conflict (sold), DomainError (empty or long text)."""
    _visible_listing(buyer, listing)
    if listing.seller_id == buyer.pk:
        raise NotAllowed(
            "You can't start a conversation about your own listing; buyers write to you first.",
            code="own_listing",
        )
    if not listing.is_live:
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_live")
    text = _clean_text(text, Message.TEXT_MAX_LENGTH, "message")
    conversation, _ = Conversation.objects.get_or_create(listing=listing, buyer=buyer)
    _post_message(conversation, sender=buyer, recipient=listing.seller, text=text)
    return conversation


@transaction.atomic
def message_send(*, sender, conversation: Conversation, text: str) -> Message:
    """Write in an existing conversation: its buyer, or the seller of its listing.

    A seller can only reply: the conversation exists only because the buyer started it.
    Raises NotFound (not a participant), NotAllowed (blocked either way), DomainError (text)."""
    listing = conversation.listing
    if sender.pk == conversation.buyer_id:
        recipient = listing.seller
    elif sender.pk == listing.seller_id:
        recipient = conversation.buyer
    else:
        raise NotFound("No such conversation.")
    if _blocked(sender, recipient):
        raise NotAllowed("You can't write to this person.", code="blocked")
    text = _clean_text(text, Message.TEXT_MAX_LENGTH, "message")
    return _post_message(conversation, sender=sender, recipient=recipient, text=text)


def _post_message(conversation: Conversation, *, sender, recipient, text: str) -> Message:
    message = Message.objects.create(conversation=conversation, sender=sender, text=text)
    conversation.save(update_fields=["updated_at"])
    notify(
        recipient=recipient,
        kind="market_message",
        actor=sender,
        text=f"{sender.display_name} wrote about “{conversation.listing.title}”.",
        url=_conversation_url(conversation),
    )
    return message


@transaction.atomic
def conversation_mark_read(*, user, conversation: Conversation) -> int:
    """Mark the other side's messages in the conversation read; returns how many changed."""
    if user.pk not in (conversation.buyer_id, conversation.listing.seller_id):
        raise NotFound("No such conversation.")
    return (
        conversation.messages.filter(read_at__isnull=True)
        .exclude(sender_id=user.pk)
        .update(read_at=timezone.now())
    )


# --- Offers ----------------------------------------------------------------------------------


OFFER_WORDS = MoneyWords(
    not_a_number=("Enter the amount as a number, like 99.50.", "bad_amount"),
    too_low=("An offer must be more than 0.", "bad_amount"),
    too_high=(f"An offer can be at most {MAX_OFFER:,}.", "bad_amount"),
    too_precise=("Use at most two decimals (cents).", "bad_amount"),
)


def clean_amount(amount) -> Decimal:
    """An offer's amount as a Decimal: more than 0, at most 1,000,000, two decimals at most."""
    return clean_money(amount, maximum=MAX_OFFER, words=OFFER_WORDS)


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
        _visible_listing(buyer, locked)
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
            _move(listing, Listing.Status.RESERVED)
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
    _move(listing, Listing.Status.ACTIVE)
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
        _move(listing, Listing.Status.ACTIVE)
        notify(
            recipient=listing.seller,
            kind="market_reservation_released",
            text=f"“{listing.title}” is no longer reserved: the buyer's account was deleted. "
            "It is active again for new offers.",
            url=_listing_url(listing),
        )
    return len(accepted)


# --- Sales and ratings -----------------------------------------------------------------------


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
    _move(listing, Listing.Status.SOLD)
    notify(
        recipient=accepted.buyer,
        kind="market_sold",
        actor=seller,
        text=f"“{listing.title}” is yours. You can now review it and rate the seller.",
        url=reverse("marketplace:deals_rate", args=[purchase.pk]),
    )
    return purchase


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


# --- Declared purchases ----------------------------------------------------------------------


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
