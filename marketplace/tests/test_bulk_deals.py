"""The bulk deal services: questions, offers and their answers, conversations, sales, ratings
and declared purchases, many at once, under the rules of one, all or nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from config.errors import DomainError
from marketplace.models import Conversation, Listing, Message, Offer, Purchase, Question, Rating
from marketplace.services.conversations import NewMessage, NewThread, conversations_start
from marketplace.services.offers import NewOffer, OfferAnswer, offers_answer, offers_make
from marketplace.services.purchases import (
    DeclaredPurchase,
    Sale,
    purchases_declare,
    sales_complete,
)
from marketplace.services.questions import NewQuestion, questions_create
from marketplace.services.ratings import NewRating, ratings_give
from social.models import Notification
from tests.factories import PersonFactory, make_listing, make_product, marlin_for_sale

pytestmark = pytest.mark.django_db

Status = Listing.Status


@pytest.fixture
def cast():
    sam, bea, cy = (PersonFactory.create(name=name) for name in ("Sam", "Bea", "Cy"))
    return sam, bea, cy, marlin_for_sale(sam)


def test_questions_are_asked_and_answered_with_their_notices(cast):
    sam, bea, _, listing = cast
    asked = timezone.now() - timedelta(days=2)

    (question,) = questions_create(
        questions=[
            NewQuestion(bea.pk, listing, "Still there?", at=asked, answer="Yes", answered_at=asked)
        ]
    )

    question.refresh_from_db()
    assert (question.created_at, question.answer) == (asked, "Yes")
    kinds = set(Notification.objects.values_list("recipient_id", "kind"))
    assert kinds == {(sam.pk, "market_question"), (bea.pk, "market_answer")}


def test_a_question_on_ones_own_or_a_hidden_listing_refuses_the_batch(cast):
    sam, bea, _, listing = cast
    draft = make_listing(sam, publish=False)

    with pytest.raises(DomainError, match="^Row 1: You can't ask a question on your own"):
        questions_create(
            questions=[NewQuestion(bea.pk, listing, "Hi?"), NewQuestion(sam.pk, listing, "Hi?")]
        )
    with pytest.raises(DomainError, match="^Row 0: This listing does not exist"):
        questions_create(questions=[NewQuestion(bea.pk, draft, "Hi?")])
    assert not Question.objects.exists()


def test_accepting_an_offer_reserves_the_listing_and_declines_the_other_open_ones(cast):
    sam, bea, cy, listing = cast
    made = timezone.now() - timedelta(days=3)
    bea_offer, cy_offer = offers_make(
        offers=[NewOffer(bea.pk, listing, "400", at=made), NewOffer(cy.pk, listing, "380")]
    )
    accepted_at = timezone.now() - timedelta(days=1)

    offers_answer(answers=[OfferAnswer(bea_offer, accept=True, at=accepted_at)])

    listing.refresh_from_db()
    assert listing.status == Status.RESERVED
    statuses = dict(Offer.objects.values_list("buyer_id", "status"))
    assert statuses == {bea.pk: Offer.Status.ACCEPTED, cy.pk: Offer.Status.DECLINED}
    assert Offer.objects.get(buyer=cy).responded_at == accepted_at
    assert Offer.objects.get(buyer=bea).created_at == made
    assert Notification.objects.filter(recipient=sam, kind="market_offer").count() == 2


def test_an_offer_on_ones_own_listing_or_an_amount_out_of_range_is_refused(cast):
    sam, bea, _, listing = cast

    with pytest.raises(DomainError, match="^Row 1: You can't make an offer on your own"):
        offers_make(offers=[NewOffer(bea.pk, listing, "400"), NewOffer(sam.pk, listing, "1")])
    with pytest.raises(DomainError, match="^Row 0: An offer must be more than 0"):
        offers_make(offers=[NewOffer(bea.pk, listing, "0")])
    assert not Offer.objects.exists()


def test_an_answered_offer_cannot_be_answered_again(cast):
    _, bea, _, listing = cast
    (offer,) = offers_make(offers=[NewOffer(bea.pk, listing, "400")])
    offers_answer(answers=[OfferAnswer(offer, accept=False)])

    with pytest.raises(DomainError, match="^Row 0: This offer is declined"):
        offers_answer(answers=[OfferAnswer(offer, accept=True)])
    assert Listing.objects.get(pk=listing.pk).status == Status.ACTIVE


def test_conversations_start_with_the_buyer_and_the_seller_replies(cast):
    sam, bea, _, listing = cast
    start = timezone.now() - timedelta(days=4)

    (conversation,) = conversations_start(
        threads=[
            NewThread(
                listing,
                bea.pk,
                (
                    NewMessage(bea.pk, "Is it still for sale?", at=start),
                    NewMessage(sam.pk, "It is.", at=start + timedelta(hours=1)),
                ),
            )
        ]
    )

    conversation.refresh_from_db()
    assert (conversation.created_at, conversation.updated_at) == (start, start + timedelta(hours=1))
    assert list(Message.objects.order_by("pk").values_list("sender_id", flat=True)) == [
        bea.pk,
        sam.pk,
    ]


def test_a_seller_never_starts_a_conversation_nor_does_a_stranger_write_in_one(cast):
    sam, bea, cy, listing = cast

    with pytest.raises(DomainError, match="^Row 0: A buyer writes first"):
        conversations_start(threads=[NewThread(listing, bea.pk, (NewMessage(sam.pk, "Hi"),))])
    with pytest.raises(DomainError, match="^Row 0: No such conversation"):
        conversations_start(
            threads=[
                NewThread(listing, bea.pk, (NewMessage(bea.pk, "Hi"), NewMessage(cy.pk, "Hey")))
            ]
        )
    assert not Conversation.objects.exists()


def test_a_sale_records_a_verified_purchase_at_the_accepted_amount_and_both_sides_rate(cast):
    sam, bea, _, listing = cast
    (offer,) = offers_make(offers=[NewOffer(bea.pk, listing, "420")])
    offers_answer(answers=[OfferAnswer(offer, accept=True)])
    sold_at = timezone.now() - timedelta(hours=5)

    (purchase,) = sales_complete(sales=[Sale(listing, at=sold_at)])
    ratings_give(ratings=[NewRating(bea.pk, purchase, 5, "Smooth"), NewRating(sam.pk, purchase, 4)])

    listing.refresh_from_db()
    assert (listing.status, listing.sold_at) == (Status.SOLD, sold_at)
    assert (purchase.price, purchase.verified, purchase.buyer_id) == (Decimal("420"), True, bea.pk)
    assert Rating.objects.count() == 2
    with pytest.raises(DomainError, match="^Row 0: You already rated this sale"):
        ratings_give(ratings=[NewRating(bea.pk, purchase, 1)])


def test_a_listing_without_an_accepted_offer_cannot_be_sold(cast):
    _, _, _, listing = cast

    with pytest.raises(DomainError, match="^Row 0: Accept an offer first"):
        sales_complete(sales=[Sale(listing)])
    assert not Purchase.objects.exists()


def test_declared_purchases_keep_the_rules_of_one():
    bea = PersonFactory.create(name="Bea")
    product = make_product()

    (declared,) = purchases_declare(
        purchases=[DeclaredPurchase(bea.pk, None, date(2025, 5, 1), product_model=product)]
    )
    assert (declared.category, declared.brand, declared.verified) == (
        product.category,
        product.brand,
        False,
    )
    with pytest.raises(DomainError, match="^Row 0: The purchase date can't be in the future"):
        purchases_declare(
            purchases=[
                DeclaredPurchase(
                    bea.pk, None, timezone.localdate() + timedelta(days=1), product_model=product
                )
            ]
        )
    assert Purchase.objects.count() == 1
