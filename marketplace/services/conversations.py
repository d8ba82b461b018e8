"""Conversations: the private thread between one buyer and the seller about one listing.

Only a buyer starts one (`conversation_start`); a seller only ever replies. Starting again for
the same buyer and listing adds the message to the existing conversation and returns it (a
person who writes again should not be refused).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, NotAllowed, NotFound
from marketplace.models import Conversation, Listing, Message
from marketplace.services.deal_rules import (
    STATUS_REFUSALS,
    clean_text,
    visible_listing,
)
from social.services.friends import blocked_either_way
from social.services.notifications import notify


def _conversation_url(conversation: Conversation) -> str:
    return reverse("marketplace:deals_conversation", args=[conversation.pk])


@transaction.atomic
def conversation_start(*, buyer, listing: Listing, text: str) -> Conversation:
    """A buyer writes to the seller about a live listing they can see.

    The only way a conversation comes to exist: the acting person is always the buyer, never the
    seller. Writing again returns the same conversation with the new message added.
    Raises NotFound (not shared with the buyer, blocked either way, not published), NotAllowed
    (the seller), Conflict (sold), DomainError (empty or long text)."""
    visible_listing(buyer, listing)
    if listing.seller_id == buyer.pk:
        raise NotAllowed(
            "You can't start a conversation about your own listing; buyers write to you first.",
            code="own_listing",
        )
    if not listing.is_live:
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_live")
    text = clean_text(text, Message.TEXT_MAX_LENGTH, "message")
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
    if blocked_either_way(sender, recipient):
        raise NotAllowed("You can't write to this person.", code="blocked")
    text = clean_text(text, Message.TEXT_MAX_LENGTH, "message")
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
