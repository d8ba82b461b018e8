"""Questions on a listing: public (the listing's audience reads them), asked by a buyer,
answered by the seller."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.bulk import backdate, numbered_rows
from config.errors import NotAllowed
from marketplace.models import Listing, Question
from marketplace.selectors.listings import openable_among
from marketplace.services.deal_rules import (
    check_buyer_may_write,
    check_listing_of_another_on_sale,
    clean_text,
    listing_url,
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


@transaction.atomic
def question_ask(*, asker: User, listing: Listing, text: str) -> Question:
    """Ask a public question on a live listing you can see; the seller is notified.

    Raises NotFound (listing not shared with the asker, or not published), NotAllowed (the seller
    asking on their own listing), Conflict (sold), DomainError (empty or long text)."""
    check_buyer_may_write(asker, listing, own_listing=OWN_LISTING)
    text = clean_text(text, Question.TEXT_MAX_LENGTH, "question")
    question = Question.objects.create(listing=listing, asker=asker, text=text)
    notify(
        recipient=listing.seller,
        kind="market_question",
        actor=asker,
        **_asked(asker, listing, text),
    )
    return question


OWN_LISTING = "You can't ask a question on your own listing; add it to the description."


def _asked(asker: User, listing: Listing, text: str) -> Notice:
    """What the seller is told of a question."""
    return {
        "text": f"{asker.display_name} asked about “{listing.title}”: {text}",
        "url": listing_url(listing),
    }


def _answered(seller: User, listing: Listing) -> Notice:
    """What the asker is told of the answer."""
    return {
        "text": f"{seller.display_name} answered your question about “{listing.title}”.",
        "url": listing_url(listing),
    }


@transaction.atomic
def question_answer(*, seller: User, question: Question, text: str) -> Question:
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
            **_answered(seller, listing),
        )
    return question


@dataclass(frozen=True)
class NewQuestion:
    """A question to write in bulk (`question_ask`'s arguments, the asker by id), when it was
    asked, and the seller's answer and when (none: not answered yet)."""

    asker_id: int
    listing: Listing
    text: str
    at: datetime | None = None
    answer: str = ""
    answered_at: datetime | None = None


@transaction.atomic
def questions_create(*, questions: Sequence[NewQuestion]) -> list[Question]:
    """`question_ask` (and `question_answer`, for a question answered) for many questions at
    once, under their rules (a listing the asker may open: one query per asker), with the
    notices they leave, back-dated. Raises DomainError naming the first row refused; then
    nothing is written. Returns the questions, in order."""
    people = User.objects.select_related("profile").in_bulk(
        {row.asker_id for row in questions} | {row.listing.seller_id for row in questions}
    )
    openable = openable_among(people, [(row.asker_id, row.listing.pk) for row in questions])
    rows = []
    for index, row in enumerate(questions):
        with numbered_rows(index):
            if (row.asker_id, row.listing.pk) not in openable:
                visible_listing_refused()
            check_listing_of_another_on_sale(row.asker_id, row.listing, own_listing=OWN_LISTING)
            text = clean_text(row.text, Question.TEXT_MAX_LENGTH, "question")
            answer = (
                clean_text(row.answer, Question.TEXT_MAX_LENGTH, "answer") if row.answer else ""
            )
        rows.append(
            Question(
                listing=row.listing,
                asker_id=row.asker_id,
                text=text,
                answer=answer,
                answered_at=(row.answered_at or timezone.now()) if answer else None,
            )
        )
    written = Question.objects.bulk_create(rows, batch_size=200)
    backdate(written, {"created_at": [row.at for row in questions]})
    blocked = set(
        Block.objects.filter(blocker_id__in=people, blocked_id__in=people).values_list(
            "blocker_id", "blocked_id"
        )
    )
    notices = []
    for row, question in zip(questions, written, strict=True):
        asker, seller = people[row.asker_id], people[row.listing.seller_id]
        notices.append(
            NewNotification(
                recipient_id=seller.pk,
                kind="market_question",
                actor_id=asker.pk,
                at=row.at,
                **_asked(asker, row.listing, question.text),
            )
        )
        if question.answer and not {(seller.pk, asker.pk), (asker.pk, seller.pk)} & blocked:
            notices.append(
                NewNotification(
                    recipient_id=asker.pk,
                    kind="market_answer",
                    actor_id=seller.pk,
                    at=question.answered_at,
                    **_answered(seller, row.listing),
                )
            )
    notifications_create(notices=notices)
    return written
