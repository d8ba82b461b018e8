"""Deals services: questions, conversations, offers, sales, ratings and declared purchases.

Each refusal must say what to do and change nothing; the rule that nobody is cold-messaged by a
seller is tested from every side.
"""

from __future__ import annotations

import inspect
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Conversation, Listing, Message, Offer, Purchase, Question, Rating
from marketplace.selectors import deals as selectors
from marketplace.services import conversations, offers, purchases, questions, ratings
from social.models import Notification
from tests.factories import category, make_offer, make_product, marlin_for_sale


def notes_of(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("text", flat=True))


# --- Questions -------------------------------------------------------------------------------


def test_a_buyer_asks_and_the_seller_is_told(listing, owner, buyer):
    question = questions.question_ask(asker=buyer, listing=listing, text="  Is the frame size M? ")
    assert question.text == "Is the frame size M?"
    assert any("Is the frame size M?" in text for text in notes_of(owner))


def test_the_seller_answers_and_the_asker_is_told(listing, owner, buyer):
    question = questions.question_ask(asker=buyer, listing=listing, text="Size?")
    questions.question_answer(seller=owner, question=question, text="M, 19 inches.")
    question.refresh_from_db()
    assert question.answer == "M, 19 inches."
    assert question.answered_at is not None
    assert any("answered your question" in text for text in notes_of(buyer))


def test_only_the_seller_answers(listing, buyer, stranger):
    question = questions.question_ask(asker=buyer, listing=listing, text="Size?")
    with pytest.raises(NotAllowed):
        questions.question_answer(seller=stranger, question=question, text="Large")
    question.refresh_from_db()
    assert question.answer == ""


def test_the_seller_does_not_ask_on_their_own_listing(listing, owner):
    with pytest.raises(NotAllowed):
        questions.question_ask(asker=owner, listing=listing, text="Anyone?")
    assert not Question.objects.exists()


def test_only_people_who_see_the_listing_may_ask(graph):
    friends_only = marlin_for_sale(graph["owner"], audience="friends")
    with pytest.raises(NotFound):
        questions.question_ask(asker=graph["stranger"], listing=friends_only, text="Still there?")
    questions.question_ask(asker=graph["friend_b"], listing=friends_only, text="Still there?")
    assert Question.objects.count() == 1


def test_a_blocked_person_cannot_ask(graph):
    shown_to_members = marlin_for_sale(graph["owner"])
    with pytest.raises(NotFound):
        questions.question_ask(asker=graph["blocked"], listing=shown_to_members, text="Hi")
    assert not Question.objects.exists()


@pytest.mark.parametrize("status", ["draft", "sold", "withdrawn", "expired"])
def test_no_questions_once_the_listing_is_not_live(owner, buyer, status):
    closed = marlin_for_sale(owner, status=status)
    with pytest.raises((Conflict, NotFound)):
        questions.question_ask(asker=buyer, listing=closed, text="Still for sale?")
    assert not Question.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_a_question_needs_sensible_text(listing, buyer, text):
    with pytest.raises(DomainError):
        questions.question_ask(asker=buyer, listing=listing, text=text)
    assert not Question.objects.exists()


def test_questions_follow_the_listing_audience_and_hide_blocked_askers(graph):
    owner, friend_a, friend_b = graph["owner"], graph["friend_a"], graph["friend_b"]
    listing = marlin_for_sale(owner, audience="friends")
    questions.question_ask(asker=friend_a, listing=listing, text="From A")
    questions.question_ask(asker=friend_b, listing=listing, text="From B")
    assert [q.text for q in selectors.questions_on(friend_b, listing)] == ["From A", "From B"]
    assert list(selectors.questions_on(graph["stranger"], listing)) == []
    assert list(selectors.questions_on(None, listing)) == []
    # friend_b blocks friend_a: each no longer sees the other's questions.
    from social.services.blocks import block_create

    block_create(blocker=friend_b, blocked=friend_a)
    assert [q.text for q in selectors.questions_on(friend_b, listing)] == ["From B"]
    assert [q.text for q in selectors.questions_on(friend_a, listing)] == ["From A"]
    assert len(selectors.questions_on(owner, listing)) == 2


# --- Conversations ---------------------------------------------------------------------------


def test_a_buyer_starts_a_conversation_and_the_seller_replies(listing, owner, buyer):
    conversation = conversations.conversation_start(
        buyer=buyer, listing=listing, text="Can I see it?"
    )
    conversations.message_send(sender=owner, conversation=conversation, text="Saturday?")
    conversations.message_send(sender=buyer, conversation=conversation, text="Yes")
    assert [m.text for m in selectors.messages_in(conversation)] == [
        "Can I see it?",
        "Saturday?",
        "Yes",
    ]
    assert any("wrote about" in text for text in notes_of(owner))
    assert any("wrote about" in text for text in notes_of(buyer))


def test_starting_again_continues_the_same_conversation(listing, buyer):
    first = conversations.conversation_start(buyer=buyer, listing=listing, text="Hello")
    second = conversations.conversation_start(buyer=buyer, listing=listing, text="Hello again")
    assert first.pk == second.pk
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(conversation=first).count() == 2


def test_a_seller_cannot_start_a_conversation_about_their_listing(listing, owner):
    with pytest.raises(NotAllowed, match="buyers write to you first"):
        conversations.conversation_start(buyer=owner, listing=listing, text="Want my bike?")
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


def test_no_service_lets_a_seller_create_a_conversation_or_an_offer_for_someone_else():
    """Conversations and offers are created by functions whose acting person is the buyer
    (`buyer=`); no function takes both a seller and a buyer to create one."""
    creators = {
        name: inspect.signature(function).parameters
        for module in (questions, conversations, offers, purchases, ratings)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    assert set(creators["conversation_start"]) == {"buyer", "listing", "text"}
    assert set(creators["offer_make"]) == {"buyer", "listing", "amount", "message"}
    for name, parameters in creators.items():
        assert not {"seller", "buyer"} <= set(parameters), name
        assert "recipient" not in parameters, name


def test_a_seller_cannot_make_an_offer_to_anyone(listing, owner):
    with pytest.raises(NotAllowed, match="your own listing"):
        offers.offer_make(buyer=owner, listing=listing, amount="100")
    assert not Offer.objects.exists()


def test_only_the_two_sides_write_in_a_conversation(listing, buyer, stranger):
    conversation = conversations.conversation_start(buyer=buyer, listing=listing, text="Hi")
    with pytest.raises(NotFound):
        conversations.message_send(sender=stranger, conversation=conversation, text="Me too")
    assert Message.objects.count() == 1


def test_blocks_stop_a_conversation_either_way(listing, owner, buyer):
    from social.services.blocks import block_create

    conversation = conversations.conversation_start(buyer=buyer, listing=listing, text="Hi")
    block_create(blocker=buyer, blocked=owner)
    with pytest.raises(NotAllowed):
        conversations.message_send(sender=owner, conversation=conversation, text="Still there?")
    with pytest.raises(NotAllowed):
        conversations.message_send(sender=buyer, conversation=conversation, text="Oops")
    with pytest.raises(NotFound):
        conversations.conversation_start(buyer=buyer, listing=listing, text="Again")
    assert Message.objects.count() == 1
    assert selectors.conversation_for(owner, conversation.pk) is None
    assert list(selectors.conversations_for(buyer)) == []


def test_a_conversation_needs_a_listing_you_can_see(graph):
    listing = marlin_for_sale(graph["owner"], audience="friends")
    with pytest.raises(NotFound):
        conversations.conversation_start(buyer=graph["stranger"], listing=listing, text="Hi")
    assert not Conversation.objects.exists()


def test_conversations_list_counts_unread_messages(listing, owner, buyer):
    conversation = conversations.conversation_start(buyer=buyer, listing=listing, text="Hi")
    conversations.message_send(sender=buyer, conversation=conversation, text="Are you there?")
    [row] = selectors.conversations_for(owner)
    assert (row.message_count, row.unread_count) == (2, 2)
    conversations.conversation_mark_read(user=owner, conversation=conversation)
    [row] = selectors.conversations_for(owner)
    assert row.unread_count == 0
    [row] = selectors.conversations_for(buyer)
    assert row.unread_count == 0


# --- Offers ----------------------------------------------------------------------------------


def test_a_buyer_makes_an_offer_and_the_seller_is_told(listing, owner, buyer):
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="399.5", message="Cash")
    assert (offer.amount, offer.status, offer.message) == (Decimal("399.50"), "open", "Cash")
    assert any("offered €399.50" in text for text in notes_of(owner))


def test_a_new_offer_replaces_the_buyers_open_one(listing, buyer):
    first = offers.offer_make(buyer=buyer, listing=listing, amount="300")
    second = offers.offer_make(buyer=buyer, listing=listing, amount="350")
    first.refresh_from_db()
    assert first.status == Offer.Status.WITHDRAWN
    assert selectors.open_offer_of(buyer, listing) == second


def test_an_offer_on_your_own_listing_is_refused(listing, owner):
    with pytest.raises(NotAllowed, match="You can't make an offer on your own listing."):
        offers.offer_make(buyer=owner, listing=listing, amount="100")
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [("sold", "This item is sold."), ("reserved", "reserved")],
)
def test_an_offer_on_an_item_no_longer_active_is_refused(owner, buyer, status, message):
    closed = marlin_for_sale(owner, status=status)
    with pytest.raises(Conflict, match=message):
        offers.offer_make(buyer=buyer, listing=closed, amount="100")
    assert not Offer.objects.exists()


@pytest.mark.parametrize("status", ["draft", "withdrawn", "expired"])
def test_an_offer_on_an_unpublished_listing_is_not_found_as_on_its_page(owner, buyer, status):
    unpublished = marlin_for_sale(owner, status=status)
    with pytest.raises(NotFound):
        offers.offer_make(buyer=buyer, listing=unpublished, amount="100")
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    "amount", ["-5", "0", "0.00", "1000000.01", "1e9", "12.345", "abc", "", None, "NaN", "inf"]
)
def test_a_negative_absurd_or_malformed_amount_is_refused(listing, buyer, amount):
    with pytest.raises(DomainError):
        offers.offer_make(buyer=buyer, listing=listing, amount=amount)
    assert not Offer.objects.exists()


def test_the_largest_offer_is_a_million(listing, buyer):
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="1000000")
    assert offer.amount == Decimal("1000000.00")


def test_an_offer_needs_a_listing_you_can_see(graph):
    listing = marlin_for_sale(graph["owner"], audience="friends")
    for outsider in (graph["stranger"], graph["blocked"]):
        with pytest.raises(NotFound):
            offers.offer_make(buyer=outsider, listing=listing, amount="100")
    hidden = marlin_for_sale(graph["owner"], hidden=True)
    with pytest.raises(NotFound):
        offers.offer_make(buyer=graph["friend_a"], listing=hidden, amount="100")
    assert not Offer.objects.exists()


def test_a_buyer_withdraws_their_own_open_offer_only(listing, buyer, stranger):
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="100")
    with pytest.raises(NotFound):
        offers.offer_withdraw(buyer=stranger, offer=offer)
    offers.offer_withdraw(buyer=buyer, offer=offer)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    with pytest.raises(Conflict):
        offers.offer_withdraw(buyer=buyer, offer=offer)


def test_the_seller_declines_an_offer_and_the_buyer_is_told(listing, owner, buyer, stranger):
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="100")
    with pytest.raises(NotAllowed):
        offers.offer_decline(seller=stranger, offer=offer)
    offers.offer_decline(seller=owner, offer=offer)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert any("was declined" in text for text in notes_of(buyer))


def test_accepting_reserves_the_listing_and_declines_the_others(listing, owner, buyer, stranger):
    chosen = offers.offer_make(buyer=buyer, listing=listing, amount="420")
    other = offers.offer_make(buyer=stranger, listing=listing, amount="400")
    offers.offer_accept(seller=owner, offer=chosen)
    chosen.refresh_from_db()
    other.refresh_from_db()
    listing.refresh_from_db()
    assert (chosen.status, other.status) == ("accepted", "declined")
    assert listing.status == Listing.Status.RESERVED
    assert any("accepted your offer" in text for text in notes_of(buyer))
    assert any("The seller accepted another offer" in text for text in notes_of(stranger))


def test_only_the_seller_accepts(listing, buyer, stranger):
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="420")
    with pytest.raises(NotAllowed):
        offers.offer_accept(seller=buyer, offer=offer)
    with pytest.raises(NotAllowed):
        offers.offer_accept(seller=stranger, offer=offer)
    offer.refresh_from_db()
    listing.refresh_from_db()
    assert (offer.status, listing.status) == ("open", "active")


def test_a_second_acceptance_is_a_conflict_and_changes_nothing(listing, owner, buyer, stranger):
    first = make_offer(listing, buyer, "420")
    second = make_offer(listing, stranger, "430")
    offers.offer_accept(seller=owner, offer=first)
    with pytest.raises(Conflict):
        offers.offer_accept(seller=owner, offer=second)
    with pytest.raises(Conflict, match="already accepted"):
        offers.offer_accept(seller=owner, offer=first)
    assert list(Offer.objects.filter(status="accepted")) == [first]


def test_a_withdrawn_offer_cannot_be_accepted(listing, owner, buyer):
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="420")
    offers.offer_withdraw(buyer=buyer, offer=offer)
    with pytest.raises(Conflict, match="withdrawn"):
        offers.offer_accept(seller=owner, offer=offer)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE


def test_the_database_allows_one_accepted_offer_per_listing(listing, buyer, stranger):
    from django.db import IntegrityError, transaction

    first = make_offer(listing, buyer)
    Offer.objects.filter(pk=first.pk).update(status="accepted")
    late = make_offer(listing, stranger)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=late.pk).update(status="accepted")


# --- Sales and ratings -----------------------------------------------------------------------


@pytest.fixture
def sale(listing, owner, buyer):
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="420")
    offers.offer_accept(seller=owner, offer=offer)
    return purchases.sale_complete(seller=owner, listing=listing)


def test_marking_sold_records_a_verified_purchase(sale, listing, owner, buyer):
    listing.refresh_from_db()
    assert listing.status == Listing.Status.SOLD
    assert listing.sold_at is not None
    assert (sale.buyer, sale.seller, sale.listing, sale.verified) == (buyer, owner, listing, True)
    assert (sale.price, sale.currency) == (Decimal("420.00"), "EUR")
    assert (sale.product_model, sale.category, sale.brand) == (
        listing.product_model,
        listing.category,
        listing.brand,
    )
    assert sale.purchased_on == timezone.localdate()
    assert any("You can now review" in text for text in notes_of(buyer))


def test_an_item_is_sold_only_when_reserved_by_its_seller(listing, owner, buyer, stranger):
    with pytest.raises(Conflict, match="Accept an offer first"):
        purchases.sale_complete(seller=owner, listing=listing)
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="420")
    offers.offer_accept(seller=owner, offer=offer)
    with pytest.raises(NotAllowed):
        purchases.sale_complete(seller=stranger, listing=listing)
    assert not Purchase.objects.exists()
    purchases.sale_complete(seller=owner, listing=listing)
    with pytest.raises(Conflict, match="sold"):
        purchases.sale_complete(seller=owner, listing=listing)
    assert Purchase.objects.count() == 1


def test_buyer_and_seller_rate_each_other_once(sale, owner, buyer):
    by_buyer = ratings.rating_give(rater=buyer, purchase=sale, stars=5, line="Smooth")
    by_seller = ratings.rating_give(rater=owner, purchase=sale, stars="4")
    assert (by_buyer.ratee, by_seller.ratee) == (owner, buyer)
    with pytest.raises(Conflict, match="already rated"):
        ratings.rating_give(rater=buyer, purchase=sale, stars=1, line="Changed my mind")
    assert Rating.objects.get(rater=buyer).stars == 5


def test_nobody_rates_someone_elses_purchase(sale, stranger):
    with pytest.raises(NotFound):
        ratings.rating_give(rater=stranger, purchase=sale, stars=1)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("stars", [0, 6, -1, "five", None])
def test_stars_go_from_one_to_five(sale, buyer, stars):
    with pytest.raises(DomainError):
        ratings.rating_give(rater=buyer, purchase=sale, stars=stars)
    assert not Rating.objects.exists()


def test_a_declared_purchase_has_no_one_to_rate(buyer):
    declared = purchases.purchase_declare(
        buyer=buyer,
        category=category("bikes"),
        description="Lamp",
        purchased_on=timezone.localdate(),
    )
    with pytest.raises((DomainError, NotFound)):
        ratings.rating_give(rater=buyer, purchase=declared, stars=4)


# --- Declared purchases ----------------------------------------------------------------------


def test_a_purchase_made_elsewhere_is_declared_not_verified(buyer):
    product = make_product()
    last_spring = timezone.localdate() - timedelta(days=300)
    purchase = purchases.purchase_declare(
        buyer=buyer, category=None, product_model=product, purchased_on=last_spring, price="650"
    )
    assert purchase.verified is False
    assert (purchase.category, purchase.brand) == (product.category, product.brand)
    assert (purchase.price, purchase.currency) == (Decimal("650.00"), "EUR")


def test_a_brand_or_a_few_words_are_enough(buyer):
    purchase = purchases.purchase_declare(
        buyer=buyer,
        category=category("bikes"),
        description="A blue city bike",
        purchased_on=timezone.localdate(),
    )
    assert purchase.price is None
    assert purchase.currency == ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"purchased_on": timedelta(days=1)}, "future"),
        ({"purchased_on": None}, "when"),
        ({"category": None}, "category"),
        ({"description": ""}, "Say what you bought"),
        ({"price": "-3"}, "more than 0"),
    ],
)
def test_a_declared_purchase_with_bad_input_is_refused(buyer, fields, message):
    values = {
        "category": category("bikes"),
        "description": "A lamp",
        "purchased_on": timezone.localdate(),
    }
    values.update(fields)
    if isinstance(values["purchased_on"], timedelta):
        values["purchased_on"] = timezone.localdate() + values["purchased_on"]
    with pytest.raises(DomainError, match=message):
        purchases.purchase_declare(buyer=buyer, **values)
    assert not Purchase.objects.exists()


# --- Releasing a reservation -----------------------------------------------------------------


def test_the_seller_releases_a_reservation_and_the_listing_takes_offers_again(
    listing, owner, buyer, stranger
):
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="420")
    offers.offer_accept(seller=owner, offer=offer)
    with pytest.raises(NotAllowed):
        offers.reservation_cancel(seller=stranger, listing=listing)
    offers.reservation_cancel(seller=owner, listing=listing)
    listing.refresh_from_db()
    offer.refresh_from_db()
    assert (listing.status, offer.status) == ("active", "declined")
    assert any("released the reservation" in text for text in notes_of(buyer))
    again = offers.offer_make(buyer=stranger, listing=listing, amount="430")
    offers.offer_accept(seller=owner, offer=again)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.RESERVED


def test_only_a_reserved_listing_is_released(listing, owner):
    with pytest.raises(Conflict, match="not reserved"):
        offers.reservation_cancel(seller=owner, listing=listing)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE


def test_when_locks_are_bypassed_the_constraint_still_refuses_a_second_acceptance(
    listing, owner, buyer, stranger
):
    """A row accepted behind the service's back (listing still active): the database constraint
    stops the second acceptance, which becomes a Conflict and changes nothing."""
    sneaked = make_offer(listing, buyer)
    Offer.objects.filter(pk=sneaked.pk).update(status="accepted")
    offer = make_offer(listing, stranger)
    with pytest.raises(Conflict, match="accepted a moment ago"):
        offers.offer_accept(seller=owner, offer=offer)
    offer.refresh_from_db()
    listing.refresh_from_db()
    assert (offer.status, listing.status) == ("open", "active")
