"""How the marketplace's data about a person is exported and erased (the privacy registry).

Registered from `MarketplaceConfig.ready()`: privacy cannot import the marketplace, so the
marketplace tells privacy about its own tables.
"""

from __future__ import annotations

from marketplace.models import (
    Conversation,
    HelpfulVote,
    Listing,
    ListingPhoto,
    Message,
    Offer,
    Purchase,
    Question,
    Rating,
    Report,
    Review,
    SavedSearch,
    Watch,
)
from privacy.registry import Erasure, personal_data


def _money(value) -> str | None:
    return None if value is None else str(value)


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export_listings(user) -> list[dict]:
    return [
        {
            "id": listing.pk,
            "title": listing.title,
            "description": listing.description,
            "category": str(listing.category),
            "product": str(listing.product_model) if listing.product_model_id else None,
            "condition": listing.condition,
            "price": _money(listing.price),
            "currency": listing.currency,
            "place": listing.place,
            "latitude": str(listing.latitude),
            "longitude": str(listing.longitude),
            "audience": listing.audience,
            "status": listing.status,
            "created_at": _when(listing.created_at),
            "photos": [photo.image.name for photo in listing.photos.all()],
        }
        for listing in Listing.objects.filter(seller=user)
        .select_related("category__parent", "product_model__brand")
        .prefetch_related("photos")
    ]


def listing_photo_files(user):
    for photo in ListingPhoto.objects.filter(listing__seller=user):
        if photo.image:
            yield (f"photos/listings/{photo.image.name.rsplit('/', 1)[-1]}", photo.image)


def export_questions(user) -> list[dict]:
    return [
        {
            "listing": question.listing.title,
            "question": question.text,
            "answer": question.answer,
            "asked_at": _when(question.created_at),
        }
        for question in Question.objects.filter(asker=user).select_related("listing")
    ]


def export_conversations(user) -> list[dict]:
    """Your conversations as a buyer, with every message in them (both sides wrote to you)."""
    rows = []
    for conversation in (
        Conversation.objects.filter(buyer=user)
        .select_related("listing")
        .prefetch_related("messages")
    ):
        rows.append(
            {
                "listing": conversation.listing.title,
                "messages": [
                    {
                        "from": "you" if message.sender_id == user.pk else "seller",
                        "text": message.text,
                        "at": _when(message.created_at),
                    }
                    for message in conversation.messages.all()
                ],
            }
        )
    return rows


def export_messages(user) -> list[dict]:
    """Messages you wrote as a seller (buyers' conversations are exported with the buyer)."""
    return [
        {
            "listing": message.conversation.listing.title,
            "text": message.text,
            "at": _when(message.created_at),
        }
        for message in Message.objects.filter(sender=user)
        .exclude(conversation__buyer=user)
        .select_related("conversation__listing")
    ]


def export_offers(user) -> list[dict]:
    return [
        {
            "listing": offer.listing.title,
            "amount": _money(offer.amount),
            "status": offer.status,
            "made_at": _when(offer.created_at),
        }
        for offer in Offer.objects.filter(buyer=user).select_related("listing")
    ]


def export_purchases(user) -> list[dict]:
    return [
        {
            "what": purchase.description
            or (str(purchase.product_model) if purchase.product_model_id else ""),
            "category": str(purchase.category),
            "price": _money(purchase.price),
            "currency": purchase.currency,
            "verified": purchase.verified,
            "purchased_on": _when(purchase.purchased_on),
        }
        for purchase in Purchase.objects.filter(buyer=user).select_related(
            "category__parent", "product_model__brand"
        )
    ]


def export_sales(user) -> list[dict]:
    return [
        {
            "listing": purchase.listing.title if purchase.listing_id else purchase.description,
            "price": _money(purchase.price),
            "currency": purchase.currency,
            "sold_on": _when(purchase.purchased_on),
        }
        for purchase in Purchase.objects.filter(seller=user).select_related("listing")
    ]


def export_ratings_given(user) -> list[dict]:
    return [
        {"stars": rating.stars, "line": rating.line, "at": _when(rating.created_at)}
        for rating in Rating.objects.filter(rater=user)
    ]


def export_ratings_received(user) -> list[dict]:
    return [
        {"stars": rating.stars, "line": rating.line, "at": _when(rating.created_at)}
        for rating in Rating.objects.filter(ratee=user)
    ]


def export_reviews(user) -> list[dict]:
    return [
        {
            "product": str(review.product_model),
            "rating": review.rating,
            "title": review.title,
            "text": review.text,
            "would_recommend": review.would_recommend,
            "audience": review.audience,
            "created_at": _when(review.created_at),
        }
        for review in Review.objects.filter(author=user).select_related("product_model__brand")
    ]


def export_helpful_votes(user) -> list[dict]:
    return [
        {"review": vote.review.title, "at": _when(vote.created_at)}
        for vote in HelpfulVote.objects.filter(voter=user).select_related("review")
    ]


def export_saved_searches(user) -> list[dict]:
    return [
        {
            "query": search.query,
            "category": str(search.category) if search.category_id else None,
            "max_price": _money(search.max_price),
            "radius_km": search.radius_km,
        }
        for search in SavedSearch.objects.filter(owner=user).select_related("category")
    ]


def export_watchlist(user) -> list[dict]:
    return [
        {"listing": watch.listing.title, "since": _when(watch.created_at)}
        for watch in Watch.objects.filter(user=user).select_related("listing")
    ]


def export_reports(user) -> list[dict]:
    return [
        {
            "about": report.content_type.model,
            "reason": report.reason,
            "note": report.note,
            "status": report.status,
            "at": _when(report.created_at),
        }
        for report in Report.objects.filter(reporter=user).select_related("content_type")
    ]


def register() -> None:
    personal_data(
        Listing,
        "seller",
        export=export_listings,
        files=listing_photo_files,
        erasure=Erasure.DELETE,
    )
    personal_data(Question, "asker", export=export_questions, erasure=Erasure.DELETE)
    personal_data(Conversation, "buyer", export=export_conversations, erasure=Erasure.DELETE)
    personal_data(
        Message,
        "sender",
        export=export_messages,
        kind="marketplace_messages_as_seller",
        erasure=Erasure.DELETE,
    )
    personal_data(Offer, "buyer", export=export_offers, erasure=Erasure.DELETE)
    personal_data(Purchase, "buyer", export=export_purchases, erasure=Erasure.DELETE)
    personal_data(
        Purchase,
        "seller",
        export=export_sales,
        kind="marketplace_sales",
        erasure=Erasure.ANONYMISE,
        why="The buyer's purchase stays theirs; only the link to the erased seller goes.",
    )
    personal_data(
        Rating,
        "rater",
        export=export_ratings_given,
        kind="marketplace_ratings_given",
        erasure=Erasure.DELETE,
    )
    personal_data(
        Rating,
        "ratee",
        export=export_ratings_received,
        kind="marketplace_ratings_received",
        erasure=Erasure.DELETE,
    )
    personal_data(
        Review,
        "author",
        export=export_reviews,
        erasure=Erasure.ANONYMISE,
        why="Reviews help others decide: they are kept without their author.",
    )
    personal_data(HelpfulVote, "voter", export=export_helpful_votes, erasure=Erasure.DELETE)
    personal_data(SavedSearch, "owner", export=export_saved_searches, erasure=Erasure.DELETE)
    personal_data(Watch, "user", export=export_watchlist, erasure=Erasure.DELETE)
    personal_data(Report, "reporter", export=export_reports, erasure=Erasure.DELETE)
    personal_data(
        Report,
        "moderator",
        not_exported="Which moderator handled a report is moderation data, not the person's.",
        erasure=Erasure.ANONYMISE,
        why="The report's outcome stays on record without the erased moderator.",
    )
