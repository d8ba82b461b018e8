"""How the marketplace's data about a person is exported and erased (the privacy registry).

Registered from `MarketplaceConfig.ready()`: privacy cannot import the marketplace, so the
marketplace tells privacy about its own tables.

The export holds what the person could see on the marketplace's pages. Their own words are
always in it. What others wrote on or about their things (questions on their listings, offers
received, the buyer's side of a conversation, comments...) is in it as the pages show it to
them: nothing of anyone blocked either way with them, as the deals selectors leave those out
(`marketplace.selectors.deals`). Where a row is theirs but the other side is hidden from them
(a question they asked on the listing of someone who has blocked them), only their own words are
exported: not the other side's answer, message, listing title or name.

Erasure keeps what the other side of a deal relies on (see each entry's `why`): a sale stays in
the other party's purchases or sales, and goes when neither is left; public reviews stay without
their author, while a review nobody could see any more goes; reports about the person stay for
REPORT_RETENTION_DAYS after they were resolved.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q

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
from marketplace.services.deals import reservations_release_for_erased
from marketplace.services.reports import reports_close_for_erased
from privacy.registry import Erasure, personal_data
from social.audience import Audience
from social.models import Block


def _money(value) -> str | None:
    return None if value is None else str(value)


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _name(user) -> str | None:
    """How another person appears to the owner: their display name, never their email."""
    return user.display_name if user is not None else None


def hidden_from(user) -> set[int]:
    """The people blocked either way with `user`: the pages show nothing of theirs to `user`."""
    return {
        other
        for pair in Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
            "blocker_id", "blocked_id"
        )
        for other in pair
        if other != user.pk
    }


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
                "from": _name(question.asker),
                "question": question.text,
                "answer": question.answer,
            }
        row.update(asked_at=_when(question.created_at), answered_at=_when(question.answered_at))
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
                "from": _name(offer.buyer),
                "amount": _money(offer.amount),
                "message": offer.message,
                "status": offer.status,
                "made_at": _when(offer.created_at),
                "responded_at": _when(offer.responded_at),
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
            "with": None if shut_out else _name(other),
            "messages": [
                {
                    "from": "you" if message.sender_id == user.pk else other_side,
                    "text": message.text,
                    "at": _when(message.created_at),
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
            "price": _money(listing.price),
            "currency": listing.currency,
            "place": listing.place,
            "latitude": str(listing.latitude),
            "longitude": str(listing.longitude),
            "audience": listing.audience,
            "status": listing.status,
            "hidden_by_moderator": listing.hidden,
            "created_at": _when(listing.created_at),
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
                "asked_at": _when(question.created_at),
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
    """Offers the person made, with the message they sent with each."""
    hidden = hidden_from(user)
    return [
        {
            "listing": None if offer.listing.seller_id in hidden else offer.listing.title,
            "amount": _money(offer.amount),
            "message": offer.message,
            "status": offer.status,
            "made_at": _when(offer.created_at),
            "responded_at": _when(offer.responded_at),
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
                "from": None if shut_out else _name(purchase.seller),
                "category": str(purchase.category),
                "price": _money(purchase.price),
                "currency": purchase.currency,
                "verified": purchase.verified,
                "purchased_on": _when(purchase.purchased_on),
            }
        )
    return rows


def export_sales(user) -> list[dict]:
    hidden = hidden_from(user)
    return [
        {
            "listing": purchase.listing.title if purchase.listing_id else purchase.description,
            "to": None if purchase.buyer_id in hidden else _name(purchase.buyer),
            "price": _money(purchase.price),
            "currency": purchase.currency,
            "sold_on": _when(purchase.purchased_on),
        }
        for purchase in Purchase.objects.filter(seller=user)
        .select_related("listing", "buyer__profile")
        .order_by("purchased_on", "id")
    ]


def export_ratings_given(user) -> list[dict]:
    return [
        {"stars": rating.stars, "line": rating.line, "at": _when(rating.created_at)}
        for rating in Rating.objects.filter(rater=user).order_by("created_at", "id")
    ]


def export_ratings_received(user) -> list[dict]:
    hidden = hidden_from(user)
    return [
        {
            "stars": rating.stars,
            "line": None if rating.rater_id in hidden else rating.line,
            "at": _when(rating.created_at),
        }
        for rating in Rating.objects.filter(ratee=user).order_by("created_at", "id")
    ]


# --- Reviews ---------------------------------------------------------------------------------


def export_reviews(user) -> list[dict]:
    """The person's reviews, with whether each is a verified purchase and how many found it
    helpful."""
    reviews = (
        Review.objects.filter(author=user)
        .select_related("product_model__brand", "purchase")
        .prefetch_related("circles")
        .annotate(helpful=Count("helpful_votes"))
        .order_by("created_at", "id")
    )
    return [
        {
            "product": str(review.product_model),
            "rating": review.rating,
            "title": review.title,
            "text": review.text,
            "would_recommend": review.would_recommend,
            "audience": review.audience,
            "circles": [circle.name for circle in review.circles.all()],
            "verified_purchase": review.verified,
            "helpful_votes": review.helpful,
            "hidden_by_moderator": review.hidden,
            "created_at": _when(review.created_at),
            "updated_at": _when(review.updated_at),
        }
        for review in reviews
    ]


def export_helpful_votes(user) -> list[dict]:
    hidden = hidden_from(user)
    return [
        {
            "review": None if vote.review.author_id in hidden else vote.review.title,
            "at": _when(vote.created_at),
        }
        for vote in HelpfulVote.objects.filter(voter=user)
        .select_related("review")
        .order_by("created_at", "id")
    ]


# Reviews that can still be seen by someone once their author is gone: shared with everyone or
# with all members, and not hidden by a moderator. Every other review is seen by its author
# alone or through the author's friendships and circles, which go with them.
STILL_SEEN = Q(audience__in=[Audience.PUBLIC, Audience.MEMBERS], hidden=False)


def reviews_kept(user):
    return Review.objects.filter(STILL_SEEN, author=user)


def reviews_nobody_could_see(user):
    return Review.objects.filter(author=user).exclude(STILL_SEEN)


# --- Saved searches, the watchlist -----------------------------------------------------------


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
    hidden = hidden_from(user)
    return [
        {
            "listing": None if watch.listing.seller_id in hidden else watch.listing.title,
            "since": _when(watch.created_at),
        }
        for watch in Watch.objects.filter(user=user).select_related("listing")
    ]


# --- Reports ---------------------------------------------------------------------------------


def export_reports(user) -> list[dict]:
    """Reports the person made, with their outcome."""
    return [
        {
            "about": report.content_type.model,
            "reason": report.reason,
            "note": report.note,
            "status": report.status,
            "outcome": report.resolution,
            "at": _when(report.created_at),
            "resolved_at": _when(report.resolved_at),
        }
        for report in Report.objects.filter(reporter=user)
        .select_related("content_type")
        .order_by("created_at", "id")
    ]


def export_reports_about(user) -> list[dict]:
    """Reports about the person or their things, with their outcome. Who reported, and the
    reporter's note, are the reporter's: not exported."""
    return [
        {
            "what": report.content_type.model,
            "reason": report.reason,
            "status": report.status,
            "outcome": report.resolution,
            "at": _when(report.created_at),
            "resolved_at": _when(report.resolved_at),
        }
        for report in Report.objects.filter(about=user)
        .select_related("content_type")
        .order_by("created_at", "id")
    ]


def close_reports_about(user) -> None:
    """Erasure: the open reports of things that go with the person are closed."""
    reports_close_for_erased(person=user, keep=reviews_kept(user))


def report_retention() -> str:
    return f"{settings.REPORT_RETENTION_DAYS} days after the report was resolved, then deleted."


def reports_about_retention() -> str:
    return (
        f"{settings.REPORT_RETENTION_DAYS} days after the report was resolved, then deleted; "
        "one still open about something that goes with your account is closed then."
    )


# --- Sales that stay with the other side -----------------------------------------------------


def purchases_nobody_else_holds_as_buyer(user):
    """The person's purchases that are theirs alone: declared ones, and those whose seller is
    gone (or is themselves)."""
    return Purchase.objects.filter(buyer=user).filter(Q(seller__isnull=True) | Q(seller=user))


def sales_nobody_else_holds(user):
    """The person's sales whose buyer is gone."""
    return Purchase.objects.filter(seller=user, buyer__isnull=True)


def register() -> None:
    personal_data(
        Listing,
        "seller",
        kind="marketplace_listings",
        export=export_listings,
        files=listing_photo_files,
        erasure=Erasure.DELETE,
        why="Your listings go, with their photos and what others did on them: questions and "
        "your answers, offers, conversations, watchlist entries. A listing you sold stays in "
        "its buyer's purchases, without you.",
    )
    personal_data(
        Question,
        "asker",
        kind="marketplace_questions",
        export=export_questions,
        erasure=Erasure.DELETE,
        why="Your questions on others' listings go, with the sellers' answers to them.",
    )
    personal_data(
        Conversation,
        "buyer",
        kind="marketplace_conversations",
        export=export_conversations,
        erasure=Erasure.DELETE,
        why="Your conversations with sellers go, their replies with them: a private "
        "conversation is between two people. The seller's record of a sale is the sale, which "
        "stays.",
    )
    personal_data(
        Message,
        "sender",
        kind="marketplace_messages",
        not_exported="Listed with their conversations: as a buyer in "
        "marketplace_conversations.json, as a seller with each listing in "
        "marketplace_listings.json.",
        erasure=Erasure.DELETE,
        why="Your messages go with their conversations.",
    )
    personal_data(
        Offer,
        "buyer",
        kind="marketplace_offers",
        export=export_offers,
        erasure=Erasure.DELETE,
        why="Your offers go. A listing reserved for you is released and its seller told; a "
        "sale already made stays with the seller.",
        before_erasure=lambda user: reservations_release_for_erased(buyer=user),
    )
    personal_data(
        Purchase,
        "buyer",
        kind="marketplace_purchases",
        export=export_purchases,
        erasure=Erasure.ANONYMISE,
        why="A purchase made here is also the seller's sale: it stays in their sales, without "
        "you. Purchases you declared yourself go.",
        retention="As long as the seller's account exists; it goes with theirs.",
        also_delete=purchases_nobody_else_holds_as_buyer,
    )
    personal_data(
        Purchase,
        "seller",
        kind="marketplace_sales",
        export=export_sales,
        erasure=Erasure.ANONYMISE,
        why="A sale is also the buyer's purchase: it stays in their purchases (their review "
        "stays verified), without you.",
        retention="As long as the buyer's account exists; it goes with theirs.",
        also_delete=sales_nobody_else_holds,
    )
    personal_data(
        Rating,
        "rater",
        kind="marketplace_ratings_given",
        export=export_ratings_given,
        erasure=Erasure.DELETE,
        why="Ratings you gave go.",
    )
    personal_data(
        Rating,
        "ratee",
        kind="marketplace_ratings_received",
        export=export_ratings_received,
        erasure=Erasure.DELETE,
        why="Ratings others gave you go.",
    )
    personal_data(
        Review,
        "author",
        kind="marketplace_reviews",
        export=export_reviews,
        erasure=Erasure.ANONYMISE,
        why="Reviews shared with everyone or with all members help others decide: they stay, "
        "without your name. Reviews shared with friends, friends of friends, circles or only "
        "you, and reviews a moderator hid, go: nobody could ever see them again.",
        retention="As long as the product's page exists; never linked to you again.",
        also_delete=reviews_nobody_could_see,
    )
    personal_data(
        HelpfulVote,
        "voter",
        kind="marketplace_helpful_votes",
        export=export_helpful_votes,
        erasure=Erasure.DELETE,
        why="Your helpful votes go (and leave the reviews' counts).",
    )
    personal_data(
        SavedSearch,
        "owner",
        kind="marketplace_saved_searches",
        export=export_saved_searches,
        erasure=Erasure.DELETE,
        why="Your saved searches go.",
    )
    personal_data(
        Watch,
        "user",
        kind="marketplace_watchlist",
        export=export_watchlist,
        erasure=Erasure.DELETE,
        why="Your watchlist goes.",
    )
    personal_data(
        Report,
        "reporter",
        kind="marketplace_reports_made",
        export=export_reports,
        erasure=Erasure.DELETE,
        why="Reports you made go; what moderators did about them stays in the audit log, "
        "which names no one.",
    )
    personal_data(
        Report,
        "about",
        kind="marketplace_reports_about_you",
        export=export_reports_about,
        erasure=Erasure.ANONYMISE,
        why="Reports about you or your things, and their outcome, are the record of moderation "
        "decisions (appeals, repeated abuse): they stay, without the link to you, until their "
        "time is up.",
        retention=reports_about_retention,
        before_erasure=close_reports_about,
    )
    personal_data(
        Report,
        "moderator",
        kind="marketplace_reports_handled",
        not_exported="Which moderator handled a report is moderation data, not the person's.",
        erasure=Erasure.ANONYMISE,
        why="The report's outcome stays on record without the erased moderator.",
        retention=report_retention,
    )
