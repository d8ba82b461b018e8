"""Conversations: the private thread between one buyer and the seller about one listing.

Only a buyer starts one (`conversation_start`); a seller only ever replies. Starting again for
the same buyer and listing adds the message to the existing conversation and returns it (a
person who writes again should not be refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.bulk import backdate, numbered_rows
from config.errors import NotAllowed, NotFound
from marketplace.models import Conversation, Listing, Message
from marketplace.selectors.listings import openable_among
from marketplace.services.deal_rules import (
    check_buyer_may_write,
    check_listing_of_another_on_sale,
    clean_text,
    visible_listing_refused,
)
from social.models import Block
from social.services.friends import blocked_either_way
from social.services.notifications import (
    NewNotification,
    Notice,
    notifications_create,
    notify,
)

OWN_LISTING = "You can't start a conversation about your own listing; buyers write to you first."


def _conversation_url(conversation: Conversation) -> str:
    return reverse("marketplace:deals_conversation", args=[conversation.pk])


@transaction.atomic
def conversation_start(*, buyer: User, listing: Listing, text: str) -> Conversation:
    """A buyer writes to the seller about a live listing they can see.

    The only way a conversation comes to exist: the acting person is always the buyer, never the
    seller. Writing again returns the same conversation with the new message added.
    Raises NotFound (not shared with the buyer, blocked either way, not published), NotAllowed
    (the seller), Conflict (sold), DomainError (empty or long text)."""
    check_buyer_may_write(buyer, listing, own_listing=OWN_LISTING)
    text = clean_text(text, Message.TEXT_MAX_LENGTH, "message")
    conversation, _ = Conversation.objects.get_or_create(listing=listing, buyer=buyer)
    _post_message(conversation, sender=buyer, recipient=listing.seller, text=text)
    return conversation


@transaction.atomic
def message_send(*, sender: User, conversation: Conversation, text: str) -> Message:
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
        raise _blocked()
    text = clean_text(text, Message.TEXT_MAX_LENGTH, "message")
    return _post_message(conversation, sender=sender, recipient=recipient, text=text)


def _blocked() -> NotAllowed:
    return NotAllowed("You can't write to this person.", code="blocked")


def _wrote(sender: User, conversation: Conversation) -> Notice:
    """What the other side is told of a message."""
    return {
        "text": f"{sender.display_name} wrote about “{conversation.listing.title}”.",
        "url": _conversation_url(conversation),
    }


def _post_message(
    conversation: Conversation, *, sender: User, recipient: User, text: str
) -> Message:
    message = Message.objects.create(conversation=conversation, sender=sender, text=text)
    conversation.save(update_fields=["updated_at"])
    notify(recipient=recipient, kind="market_message", actor=sender, **_wrote(sender, conversation))
    return message


@transaction.atomic
def conversation_mark_read(*, user: User, conversation: Conversation) -> int:
    """Mark the other side's messages in the conversation read; returns how many changed."""
    if user.pk not in (conversation.buyer_id, conversation.listing.seller_id):
        raise NotFound("No such conversation.")
    return (
        conversation.messages.filter(read_at__isnull=True)
        .exclude(sender_id=user.pk)
        .update(read_at=timezone.now())
    )


# --- Many at once (the demo, imports) --------------------------------------------------------


@dataclass(frozen=True)
class NewMessage:
    """A message of a thread written in bulk: who wrote it, when, and when the other side read
    it (None: not yet)."""

    sender_id: int
    text: str
    at: datetime | None = None
    read_at: datetime | None = None


@dataclass(frozen=True)
class NewThread:
    """A buyer's conversation about a listing, written in bulk: the buyer's first message
    starts it (`conversation_start`), the rest are `message_send`'s."""

    listing: Listing
    buyer_id: int
    messages: tuple[NewMessage, ...]


@transaction.atomic
def conversations_start(*, threads: Sequence[NewThread]) -> list[Conversation]:
    """Many conversations with their messages at once (the demo, imports), under the rules of
    `conversation_start` and `message_send` (a live listing the buyer may open: one query per
    buyer; the buyer writes first; only the two sides write, never across a block), each message
    notified to the other side, back-dated. Raises DomainError naming the first row refused;
    then nothing is written. Returns the conversations, in order."""
    people = User.objects.select_related("profile").in_bulk(
        {thread.buyer_id for thread in threads} | {thread.listing.seller_id for thread in threads}
    )
    openable = openable_among(people, [(t.buyer_id, t.listing.pk) for t in threads])
    blocked = set(
        Block.objects.filter(blocker_id__in=people, blocked_id__in=people).values_list(
            "blocker_id", "blocked_id"
        )
    )
    existing = {
        (c.listing_id, c.buyer_id): c
        for c in Conversation.objects.filter(
            listing__in={thread.listing.pk for thread in threads},
            buyer_id__in={thread.buyer_id for thread in threads},
        )
    }
    texts: list[list[str]] = []
    for index, thread in enumerate(threads):
        listing, buyer_id = thread.listing, thread.buyer_id
        with numbered_rows(index):
            if (buyer_id, listing.pk) not in openable:
                visible_listing_refused()
            if not thread.messages or thread.messages[0].sender_id != buyer_id:
                raise NotAllowed(
                    "A buyer writes first; a seller only replies.", code="seller_first"
                )
            check_listing_of_another_on_sale(buyer_id, listing, own_listing=OWN_LISTING)
            if {(buyer_id, listing.seller_id), (listing.seller_id, buyer_id)} & blocked:
                raise _blocked()
            if any(m.sender_id not in (buyer_id, listing.seller_id) for m in thread.messages):
                raise NotFound("No such conversation.")
            texts.append(
                [clean_text(m.text, Message.TEXT_MAX_LENGTH, "message") for m in thread.messages]
            )
    fresh = [
        Conversation(listing=thread.listing, buyer_id=thread.buyer_id)
        for thread in threads
        if (thread.listing.pk, thread.buyer_id) not in existing
    ]
    made = iter(Conversation.objects.bulk_create(fresh, batch_size=200))
    conversations = [
        existing.get((thread.listing.pk, thread.buyer_id)) or next(made) for thread in threads
    ]
    messages, notices = [], []
    for thread, conversation, cleaned in zip(threads, conversations, texts, strict=True):
        conversation.listing = thread.listing
        for message, text in zip(thread.messages, cleaned, strict=True):
            sender = people[message.sender_id]
            other = thread.listing.seller_id if sender.pk == thread.buyer_id else thread.buyer_id
            messages.append(
                Message(
                    conversation=conversation,
                    sender_id=sender.pk,
                    text=text,
                    read_at=message.read_at,
                )
            )
            notices.append(
                NewNotification(
                    recipient_id=other,
                    kind="market_message",
                    actor_id=sender.pk,
                    at=message.at,
                    **_wrote(sender, conversation),
                )
            )
    written = Message.objects.bulk_create(messages, batch_size=200)
    backdate(written, {"created_at": [m.at for thread in threads for m in thread.messages]})
    backdate(
        conversations,
        {
            "created_at": [
                thread.messages[0].at if conversation in fresh else None
                for thread, conversation in zip(threads, conversations, strict=True)
            ],
            "updated_at": [thread.messages[-1].at for thread in threads],
        },
    )
    notifications_create(notices=notices)
    return conversations
