"""Counter-offers: the seller answers an offer with a price; the buyer accepts it (the deal is at
that price), declines it, or answers with a new offer. Each step tells the other side; refusals
change nothing. The race with another acceptance is in test_deals_concurrency.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Listing, Offer, Purchase
from marketplace.services import offers, purchases
from social.models import Notification
from tests.factories import PersonFactory, make_offer


def kinds_of(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def notes_of(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("text", flat=True))


@pytest.fixture
def countered(listing, owner, buyer) -> Offer:
    return offers.offer_counter(seller=owner, offer=make_offer(listing, buyer, "400"), amount="450")


def test_the_seller_counters_and_the_buyer_is_told(countered, buyer):
    countered.refresh_from_db()
    assert countered.status == Offer.Status.COUNTERED
    assert (countered.amount, countered.counter_amount) == (Decimal("400"), Decimal("450"))
    assert countered.price == Decimal("450")
    assert any("with €450" in text for text in notes_of(buyer))


def test_the_buyer_accepts_the_counter_and_the_deal_is_at_that_price(countered, listing, buyer):
    other = make_offer(listing, PersonFactory.create(name="Carl Buyer"), "380")

    offers.counter_accept(buyer=buyer, offer=countered)

    countered.refresh_from_db()
    other.refresh_from_db()
    listing.refresh_from_db()
    assert countered.status == Offer.Status.ACCEPTED
    assert other.status == Offer.Status.DECLINED
    assert listing.status == Listing.Status.RESERVED
    assert "market_counter_accepted" in kinds_of(listing.seller)
    sale = purchases.sale_complete(seller=listing.seller, listing=listing)
    assert sale.price == Decimal("450")  # the counter-offer, not the buyer's first price


def test_the_buyer_declines_the_counter_and_the_seller_is_told(countered, owner, buyer):
    offers.counter_decline(buyer=buyer, offer=countered)
    countered.refresh_from_db()
    assert countered.status == Offer.Status.DECLINED
    assert any("declined your price of €450" in text for text in notes_of(owner))


def test_a_new_offer_answers_the_counter(countered, listing, buyer):
    new = offers.offer_make(buyer=buyer, listing=listing, amount="420")
    countered.refresh_from_db()
    assert countered.status == Offer.Status.WITHDRAWN
    assert new.status == Offer.Status.OPEN


def test_only_the_seller_counters_and_only_an_open_offer(listing, owner, buyer, stranger):
    offer = make_offer(listing, buyer, "400")
    with pytest.raises(NotAllowed):
        offers.offer_counter(seller=stranger, offer=offer, amount="450")
    offers.offer_decline(seller=owner, offer=offer)
    with pytest.raises(Conflict, match="already declined"):
        offers.offer_counter(seller=owner, offer=offer, amount="450")
    offer.refresh_from_db()
    assert (offer.status, offer.counter_amount) == (Offer.Status.DECLINED, None)


@pytest.mark.parametrize("amount", ["", "abc", "0", "-3", "2000000", "400"])
def test_a_bad_counter_price_is_refused_with_a_sentence(listing, owner, buyer, amount):
    offer = make_offer(listing, buyer, "400")
    with pytest.raises(DomainError) as refused:
        offers.offer_counter(seller=owner, offer=offer, amount=amount)
    assert refused.value.message.endswith(".")
    offer.refresh_from_db()
    assert (offer.status, offer.counter_amount) == (Offer.Status.OPEN, None)


def test_only_the_buyer_answers_the_counter(countered, owner, stranger):
    for person in (owner, stranger):
        with pytest.raises(NotFound):
            offers.counter_accept(buyer=person, offer=countered)
        with pytest.raises(NotFound):
            offers.counter_decline(buyer=person, offer=countered)
    countered.refresh_from_db()
    assert countered.status == Offer.Status.COUNTERED


def test_the_seller_cannot_accept_the_offer_they_countered(countered, owner):
    with pytest.raises(Conflict, match="the buyer decides"):
        offers.offer_accept(seller=owner, offer=countered)


def test_an_open_offer_has_no_counter_to_accept(listing, buyer):
    offer = make_offer(listing, buyer, "400")
    with pytest.raises(Conflict):
        offers.counter_accept(buyer=buyer, offer=offer)
    with pytest.raises(Conflict):
        offers.counter_decline(buyer=buyer, offer=offer)


def test_accepting_another_offer_declines_the_counter(countered, listing, owner, buyer):
    other = make_offer(listing, PersonFactory.create(name="Carl Buyer"), "480")
    offers.offer_accept(seller=owner, offer=other)
    countered.refresh_from_db()
    assert countered.status == Offer.Status.DECLINED
    with pytest.raises(Conflict):
        offers.counter_accept(buyer=buyer, offer=countered)
    assert not Purchase.objects.exists()


# --- Pages and API ---------------------------------------------------------------------------


def test_the_seller_counters_from_the_offers_page(client_for, listing, owner, buyer):
    offer = make_offer(listing, buyer, "400")
    response = client_for(owner).post(
        reverse("marketplace:deals_offer_counter", args=[offer.pk]), {"amount": "445,50"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.counter_amount == Decimal("445.50")


def test_a_bad_counter_on_the_page_is_a_message_not_an_error(client_for, listing, owner, buyer):
    offer = make_offer(listing, buyer, "400")
    response = client_for(owner).post(
        reverse("marketplace:deals_offer_counter", args=[offer.pk]), {"amount": "lots"}, follow=True
    )
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_the_buyer_sees_the_counter_and_accepts_it_from_the_listing(
    client_for, countered, listing, buyer
):
    client = client_for(buyer)
    panel = client.get(reverse("marketplace:deals_listing", args=[listing.pk]))
    assert "Accept €450" in panel.content.decode()
    made = client.get(reverse("marketplace:deals_offers_made"))
    assert "answered with" in made.content.decode()

    response = client.post(
        reverse("marketplace:deals_counter_accept", args=[countered.pk]), {"from": "listing"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{listing.pk}/#deal-panel")
    countered.refresh_from_db()
    assert countered.status == Offer.Status.ACCEPTED


def test_the_seller_sees_the_counter_waiting(client_for, countered, owner):
    page = client_for(owner).get(reverse("marketplace:deals_offers_received"))
    assert "You answered with €450" in page.content.decode()


def test_the_api_counters_and_the_buyer_accepts(api_client_for, listing, owner, buyer):
    offer = make_offer(listing, buyer, "400")
    countered = api_client_for(owner).post(
        reverse("api-market-offer-counter", args=[offer.pk]), {"amount": "450"}, format="json"
    )
    assert countered.status_code == 200
    assert (countered.json()["status"], countered.json()["price"]) == ("countered", "450.00")
    accepted = api_client_for(buyer).post(reverse("api-market-counter-accept", args=[offer.pk]))
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
