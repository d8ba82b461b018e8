"""Listings and what others did on them, and the person's side as a buyer."""

from __future__ import annotations

from marketplace.models import (
    Conversation,
    Listing,
    ListingPhoto,
    Offer,
    Purchase,
    Question,
    Rating,
)
from marketplace.personal_data._common import hidden_from, money, name_of, when

# --- Listings, and what others did on them -------------------------------------------------


def _questions_on(user, listings, hidden: set[int]) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    questions = (
        Question.objects.filter(listing__in=listings)
        .select_related("asker__profile")
        .order_by("created_at", "id")
    )
    for question in questions:
        if question.asker_id in hidden:
            if not question.answer:
                continue
            row = {"from": None, "question": None, "answer": question.answer}
        else:
            row = {
                "from": name_of(question.asker),
                "question": question.text,
                "answer": question.answer,
            }
        row.update(asked_at=when(question.created_at), answered_at=when(question.answered_at))
        rows.setdefault(question.listing_id, []).append(row)
    return rows


def _offers_on(listings, hidden: set[int]) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    offers = (
        Offer.objects.filter(listing__in=listings)
        .exclude(buyer_id__in=hidden)
        .select_related("buyer__profile")
        .order_by("created_at", "id")
    )
    for offer in offers:
        rows.setdefault(offer.listing_id, []).append(
            {
                "from": name_of(offer.buyer),
                "amount": money(offer.amount),
                "counter_amount": money(offer.counter_amount),
                "message": offer.message,
                "status": offer.status,
                "made_at": when(offer.created_at),
                "responded_at": when(offer.responded_at),
            }
        )
    return rows


def _conversation_rows(user, conversations, hidden: set[int], *, other_side: str) -> dict:
    """Per conversation id: the other side's name and the messages as `user` sees them. With
    someone blocked either way, only `user`'s own messages (and not who the other side is)."""
    rows = {}
    for conversation in conversations:
        other = conversation.buyer if other_side == "buyer" else conversation.listing.seller
        shut_out = other.pk in hidden
        rows[conversation.pk] = {
            "with": None if shut_out else name_of(other),
            "messages": [
                {
                    "from": "you" if message.sender_id == user.pk else other_side,
                    "text": message.text,
                    "at": when(message.created_at),
                }
                for message in conversation.messages.all()
                if message.sender_id == user.pk or not shut_out
            ],
        }
    return rows


def export_listings(user) -> list[dict]:
    """The person's listings, each with what happened on it: the questions and their answers,
    the offers received, the conversations with buyers, as the seller's pages show them."""
    hidden = hidden_from(user)
    listings = list(
        Listing.objects.filter(seller=user)
        .select_related("category__parent", "product_model__brand")
        .prefetch_related("photos")
        .order_by("created_at", "id")
    )
    questions = _questions_on(user, listings, hidden)
    offers = _offers_on(listings, hidden)
    conversations: dict[int, list[dict]] = {}
    as_seller = (
        Conversation.objects.filter(listing__in=listings)
        .select_related("buyer__profile", "listing")
        .prefetch_related("messages")
        .order_by("created_at", "id")
    )
    by_listing = {conversation.pk: conversation.listing_id for conversation in as_seller}
    for pk, row in _conversation_rows(user, as_seller, hidden, other_side="buyer").items():
        if row["messages"]:
            conversations.setdefault(by_listing[pk], []).append(row)
    return [
        {
            "id": listing.pk,
            "title": listing.title,
            "description": listing.description,
            "category": str(listing.category),
            "product": str(listing.product_model) if listing.product_model_id else None,
            "condition": listing.condition,
            "price": money(listing.price),
            "currency": listing.currency,
            "place": listing.place,
            "latitude": str(listing.latitude),
            "longitude": str(listing.longitude),
            "audience": listing.audience,
            "status": listing.status,
            "hidden_by_moderator": listing.hidden,
            "created_at": when(listing.created_at),
            "photos": [photo.image.name for photo in listing.photos.all()],
            "questions": questions.get(listing.pk, []),
            "offers_received": offers.get(listing.pk, []),
            "conversations": conversations.get(listing.pk, []),
        }
        for listing in listings
    ]


def listing_photo_files(user):
    for photo in ListingPhoto.objects.filter(listing__seller=user):
        if photo.image:
            yield (f"photos/listings/{photo.image.name.rsplit('/', 1)[-1]}", photo.image)


# --- As a buyer ------------------------------------------------------------------------------


def export_questions(user) -> list[dict]:
    """Questions the person asked on others' listings, with the sellers' answers."""
    hidden = hidden_from(user)
    rows = []
    for question in (
        Question.objects.filter(asker=user).select_related("listing").order_by("created_at", "id")
    ):
        shut_out = question.listing.seller_id in hidden
        rows.append(
            {
                "listing": None if shut_out else question.listing.title,
                "question": question.text,
                "answer": None if shut_out else question.answer,
                "asked_at": when(question.created_at),
            }
        )
    return rows


def export_conversations(user) -> list[dict]:
    """Your conversations as a buyer, with every message in them (both sides wrote to you)."""
    hidden = hidden_from(user)
    conversations = (
        Conversation.objects.filter(buyer=user)
        .select_related("listing__seller__profile")
        .prefetch_related("messages")
        .order_by("created_at", "id")
    )
    rows = _conversation_rows(user, conversations, hidden, other_side="seller")
    return [
        {
            "listing": None
            if conversation.listing.seller_id in hidden
            else conversation.listing.title,
            "with": rows[conversation.pk]["with"],
            "messages": rows[conversation.pk]["messages"],
        }
        for conversation in conversations
    ]


def export_offers(user) -> list[dict]:
    """Offers the person made, with the message they sent with each and the seller's
    counter-offer."""
    hidden = hidden_from(user)
    return [
        {
            "listing": None if offer.listing.seller_id in hidden else offer.listing.title,
            "amount": money(offer.amount),
            "counter_amount": money(offer.counter_amount),
            "message": offer.message,
            "status": offer.status,
            "made_at": when(offer.created_at),
            "responded_at": when(offer.responded_at),
        }
        for offer in Offer.objects.filter(buyer=user)
        .select_related("listing")
        .order_by("created_at", "id")
    ]


def export_purchases(user) -> list[dict]:
    hidden = hidden_from(user)
    rows = []
    for purchase in (
        Purchase.objects.filter(buyer=user)
        .select_related("category__parent", "product_model__brand", "seller__profile")
        .order_by("purchased_on", "id")
    ):
        product = str(purchase.product_model) if purchase.product_model_id else ""
        shut_out = purchase.seller_id in hidden
        rows.append(
            {
                # A sale's description is the seller's listing title.
                "what": product if shut_out else (purchase.description or product),
                "from": None if shut_out else name_of(purchase.seller),
                "category": str(purchase.category),
                "price": money(purchase.price),
                "currency": purchase.currency,
                "verified": purchase.verified,
                "purchased_on": when(purchase.purchased_on),
            }
        )
    return rows


def export_sales(user) -> list[dict]:
    hidden = hidden_from(user)
    return [
        {
            "listing": purchase.listing.title
            if purchase.listing is not None
            else purchase.description,
            "to": None if purchase.buyer_id in hidden else name_of(purchase.buyer),
            "price": money(purchase.price),
            "currency": purchase.currency,
            "sold_on": when(purchase.purchased_on),
        }
        for purchase in Purchase.objects.filter(seller=user)
        .select_related("listing", "buyer__profile")
        .order_by("purchased_on", "id")
    ]


def export_ratings_given(user) -> list[dict]:
    return [
        {"stars": rating.stars, "line": rating.line, "at": when(rating.created_at)}
        for rating in Rating.objects.filter(rater=user).order_by("created_at", "id")
    ]


def export_ratings_received(user) -> list[dict]:
    hidden = hidden_from(user)
    return [
        {
            "stars": rating.stars,
            "line": None if rating.rater_id in hidden else rating.line,
            "at": when(rating.created_at),
        }
        for rating in Rating.objects.filter(ratee=user).order_by("created_at", "id")
    ]
