"""Questions on a listing: public (the listing's audience reads them), asked by a buyer,
answered by the seller."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from config.errors import Conflict, NotAllowed
from marketplace.models import Listing, Question
from marketplace.services.deal_rules import (
    STATUS_REFUSALS,
    clean_text,
    listing_url,
    visible_listing,
)
from social.services.friends import blocked_either_way
from social.services.notifications import notify


@transaction.atomic
def question_ask(*, asker, listing: Listing, text: str) -> Question:
    """Ask a public question on a live listing you can see; the seller is notified.

    Raises NotFound (listing not shared with the asker, or not published), NotAllowed (the seller
    asking on their own listing), Conflict (sold), DomainError (empty or long text)."""
    visible_listing(asker, listing)
    if listing.seller_id == asker.pk:
        raise NotAllowed(
            "You can't ask a question on your own listing; add it to the description.",
            code="own_listing",
        )
    if not listing.is_live:
        raise Conflict(STATUS_REFUSALS[listing.status], code="not_live")
    text = clean_text(text, Question.TEXT_MAX_LENGTH, "question")
    question = Question.objects.create(listing=listing, asker=asker, text=text)
    notify(
        recipient=listing.seller,
        kind="market_question",
        actor=asker,
        text=f"{asker.display_name} asked about “{listing.title}”: {text}",
        url=listing_url(listing),
    )
    return question


@transaction.atomic
def question_answer(*, seller, question: Question, text: str) -> Question:
    """The seller answers (or corrects the answer to) a question; the asker is notified.

    Raises NotAllowed for anyone but the listing's seller, DomainError for empty or long text."""
    listing = question.listing
    if listing.seller_id != seller.pk:
        raise NotAllowed("Only the seller can answer questions on this listing.")
    text = clean_text(text, Question.TEXT_MAX_LENGTH, "answer")
    question.answer = text
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    if not blocked_either_way(seller, question.asker):
        notify(
            recipient=question.asker,
            kind="market_answer",
            actor=seller,
            text=f"{seller.display_name} answered your question about “{listing.title}”.",
            url=listing_url(listing),
        )
    return question
