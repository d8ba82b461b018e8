"""Reads for deals: questions, conversations, offers, purchases and ratings.

Everything a person may read about a deal goes through here. A listing's questions follow the
listing's audience; conversations, offers and sales are read only by their two sides; blocked
pairs never see each other's questions, offers or conversations. Every list is one query (plus a
fixed number), whatever the number of rows.
"""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery

from accounts.models import User, Viewer
from config.errors import found
from marketplace.models import (
    Conversation,
    Listing,
    Message,
    Offer,
    Purchase,
    Question,
    Rating,
    Review,
)
from marketplace.selectors.listings import IdInput, as_member
from social.audience import blocked_either_way
from social.models import Block


def listing_for(viewer: Viewer, listing_id: IdInput) -> Listing | None:
    """The listing if `viewer` may open it (`Listing.objects.openable_by`: audience, blocks,
    moderation, and a draft, withdrawn or expired listing for its seller alone), else None."""
    try:
        listing: Listing = (
            Listing.objects.openable_by(viewer)
            .select_related("seller__profile")
            .get(pk=int(listing_id))
        )
    except (Listing.DoesNotExist, TypeError, ValueError):
        return None
    return listing


def access_listing(viewer: Viewer, listing_id: IdInput) -> Listing:
    """The listing `viewer` may open (as `listing_for`); Http404 otherwise, as if it did not
    exist."""
    return found(listing_for(viewer, listing_id), "No such listing.")


def questions_on(viewer: Viewer, listing: Listing) -> QuerySet[Question]:
    """The questions on `listing` that `viewer` may read: none unless the viewer can see the
    listing; questions of people blocked either way with the viewer are left out."""
    if listing_for(viewer, listing.pk) is None:
        return Question.objects.none()
    rows = Question.objects.filter(listing=listing).select_related("asker__profile")
    member = as_member(viewer)
    if member is not None:
        rows = rows.exclude(blocked_either_way(OuterRef("asker_id"), member.pk))
    return rows


def question_for_seller(seller: User, question_id: IdInput) -> Question | None:
    """A question on one of `seller`'s listings (to answer it), or None."""
    try:
        return Question.objects.select_related("listing", "asker__profile").get(
            pk=int(question_id), listing__seller_id=seller.pk
        )
    except (Question.DoesNotExist, TypeError, ValueError):
        return None


# --- Conversations ---------------------------------------------------------------------------


def access_question_for_seller(seller: User, question_id: IdInput) -> Question:
    """As `question_for_seller`; Http404 for any other question."""
    return found(question_for_seller(seller, question_id), "No such question.")


def conversations_for(user: User) -> QuerySet[Conversation]:
    """Conversations `user` is a side of (as buyer or as seller), latest activity first, each
    with `message_count` and `unread_count` (messages from the other side not yet read)."""
    blocked = Exists(
        Block.objects.filter(
            Q(blocker_id=OuterRef("buyer_id"), blocked_id=OuterRef("listing__seller_id"))
            | Q(blocker_id=OuterRef("listing__seller_id"), blocked_id=OuterRef("buyer_id"))
        )
    )
    return (
        Conversation.objects.filter(Q(buyer_id=user.pk) | Q(listing__seller_id=user.pk))
        .exclude(blocked)
        .select_related("listing", "listing__seller__profile", "buyer__profile")
        .annotate(
            message_count=Count("messages"),
            unread_count=Count(
                "messages",
                filter=Q(messages__read_at__isnull=True) & ~Q(messages__sender_id=user.pk),
            ),
        )
        .order_by("-updated_at", "-pk")
    )


def conversation_for(user: User, conversation_id: IdInput) -> Conversation | None:
    """One of `user`'s conversations (not with someone blocked either way), or None."""
    try:
        return conversations_for(user).get(pk=int(conversation_id))
    except (Conversation.DoesNotExist, TypeError, ValueError):
        return None


def access_conversation(user: User, conversation_id: IdInput) -> Conversation:
    """As `conversation_for`; Http404 for a conversation the user is not in."""
    return found(conversation_for(user, conversation_id), "No such conversation.")


def conversation_with(buyer: User, listing: Listing) -> Conversation | None:
    """The buyer's conversation about `listing`, if they started one."""
    return Conversation.objects.filter(buyer_id=buyer.pk, listing=listing).first()


def messages_in(conversation: Conversation) -> QuerySet[Message]:
    """The conversation's messages, oldest first, with their senders."""
    return Message.objects.filter(conversation=conversation).select_related("sender__profile")


# --- Offers ----------------------------------------------------------------------------------


def offers_made_by(buyer: User) -> QuerySet[Offer]:
    """The buyer's offers, newest first, with their listing and seller."""
    return (
        Offer.objects.filter(buyer_id=buyer.pk)
        .exclude(blocked_either_way(OuterRef("listing__seller_id"), buyer.pk))
        .select_related("listing__seller__profile", "buyer__profile")
        .order_by("-created_at", "-pk")
    )


def offers_received_by(seller: User) -> QuerySet[Offer]:
    """Offers on the seller's listings, open ones first, then newest; buyers blocked either
    way are left out."""
    return (
        Offer.objects.filter(listing__seller_id=seller.pk)
        .exclude(blocked_either_way(OuterRef("buyer_id"), seller.pk))
        .select_related("listing__seller__profile", "buyer__profile")
        .order_by("listing_id", "-created_at", "-pk")
    )


def offer_for_buyer(buyer: User, offer_id: IdInput) -> Offer | None:
    """One of the buyer's offers (to withdraw it), or None."""
    try:
        return offers_made_by(buyer).get(pk=int(offer_id))
    except (Offer.DoesNotExist, TypeError, ValueError):
        return None


def access_offer_for_buyer(buyer: User, offer_id: IdInput) -> Offer:
    """As `offer_for_buyer`; Http404 for an offer the buyer did not make."""
    return found(offer_for_buyer(buyer, offer_id), "No such offer.")


def offer_for_seller(seller: User, offer_id: IdInput) -> Offer | None:
    """An offer on one of the seller's listings (to answer it), or None."""
    try:
        return offers_received_by(seller).get(pk=int(offer_id))
    except (Offer.DoesNotExist, TypeError, ValueError):
        return None


def access_offer_for_seller(seller: User, offer_id: IdInput) -> Offer:
    """As `offer_for_seller`; Http404 for an offer not on the seller's listings."""
    return found(offer_for_seller(seller, offer_id), "No such offer.")


def open_offer_of(buyer: User, listing: Listing) -> Offer | None:
    """The buyer's open offer on the listing, if any."""
    return Offer.objects.filter(
        buyer_id=buyer.pk, listing=listing, status=Offer.Status.OPEN
    ).first()


def counter_offer_for(buyer: User, listing: Listing) -> Offer | None:
    """The seller's counter-offer waiting for the buyer's answer on the listing, if any."""
    return Offer.objects.filter(
        buyer_id=buyer.pk, listing=listing, status=Offer.Status.COUNTERED
    ).first()


def accepted_offer_on(listing: Listing) -> Offer | None:
    """The offer the seller accepted on the listing, if any."""
    return (
        Offer.objects.filter(listing=listing, status=Offer.Status.ACCEPTED)
        .select_related("buyer__profile")
        .first()
    )


# --- Purchases and ratings -------------------------------------------------------------------


def _my_rating(user: User) -> Subquery:
    """The stars `user` gave for the purchase row, or None: one subquery."""
    given = Rating.objects.filter(purchase=OuterRef("pk"), rater_id=user.pk).values("stars")[:1]
    return Subquery(given, output_field=IntegerField())


def _my_review(user: User) -> Subquery:
    """The id of `user`'s review resting on the purchase row, or of its catalog product."""
    reviews = Review.objects.filter(
        Q(purchase=OuterRef("pk")) | Q(product_model=OuterRef("product_model")),
        author_id=user.pk,
    )
    return Subquery(reviews.values("pk")[:1], output_field=IntegerField())


def purchases_of(user: User) -> QuerySet[Purchase]:
    """What `user` bought, here (verified) or declared, latest first; each with the stars they
    gave the seller (`my_stars`) and their review of it (`my_review_id`), or None."""
    return (
        Purchase.objects.filter(buyer_id=user.pk)
        .select_related(
            "category",
            "brand",
            "product_model__brand",
            "seller__profile",
            "buyer__profile",
            "listing",
        )
        .annotate(my_stars=_my_rating(user), my_review_id=_my_review(user))
    )


def sales_of(user: User) -> QuerySet[Purchase]:
    """What `user` sold here, latest first, with the stars they gave the buyer (`my_stars`)."""
    return (
        Purchase.objects.filter(seller_id=user.pk)
        .select_related("category", "buyer__profile", "seller__profile", "listing")
        .annotate(my_stars=_my_rating(user))
    )


def own_purchase(buyer: User, purchase_id: IdInput) -> Purchase | None:
    """A purchase `buyer` made (to review it), or None."""
    try:
        return Purchase.objects.select_related(
            "category", "brand", "product_model__brand", "seller__profile", "listing"
        ).get(buyer_id=buyer.pk, pk=int(purchase_id))
    except (Purchase.DoesNotExist, TypeError, ValueError):
        return None


def access_own_purchase(buyer: User, purchase_id: IdInput) -> Purchase:
    """As `own_purchase`; Http404 for anyone else's."""
    return found(own_purchase(buyer, purchase_id), "No such purchase of yours.")


def purchase_for_side(user: User, purchase_id: IdInput) -> Purchase | None:
    """A purchase `user` bought or sold (to rate it), or None."""
    try:
        return Purchase.objects.select_related(
            "buyer__profile", "seller__profile", "listing", "category"
        ).get(Q(buyer_id=user.pk) | Q(seller_id=user.pk), pk=int(purchase_id))
    except (Purchase.DoesNotExist, TypeError, ValueError):
        return None


def access_purchase(user: User, purchase_id: IdInput) -> Purchase:
    """As `purchase_for_side`; Http404 for a purchase the user is neither side of."""
    return found(purchase_for_side(user, purchase_id), "No such purchase.")


def rating_by(user: User, purchase: Purchase) -> Rating | None:
    """The rating `user` gave for the purchase, if they gave one."""
    return Rating.objects.filter(purchase=purchase, rater_id=user.pk).first()


def sale_candidates(listing: Listing) -> QuerySet[User]:
    """Who the seller may mark `listing` sold to: the people who asked about it, offered on it
    or wrote to the seller about it, not the seller, not anyone blocked with the seller either
    way. One query."""
    return (
        User.objects.filter(
            Q(pk__in=Question.objects.filter(listing=listing).values("asker_id"))
            | Q(pk__in=Offer.objects.filter(listing=listing).values("buyer_id"))
            | Q(pk__in=Conversation.objects.filter(listing=listing).values("buyer_id"))
        )
        .exclude(pk=listing.seller_id)
        .exclude(pk__in=Block.objects.filter(blocker_id=listing.seller_id).values("blocked_id"))
        .exclude(pk__in=Block.objects.filter(blocked_id=listing.seller_id).values("blocker_id"))
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )
