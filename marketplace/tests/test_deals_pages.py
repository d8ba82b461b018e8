"""Deals pages and API: the flows end to end, refusals as clear messages or 4xx, list pages in a
fixed number of queries."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Conversation, Listing, Offer, Purchase, Question, Rating
from marketplace.services import conversations, offers, purchases, questions
from tests.factories import PersonFactory, category, make_offer, marlin_for_sale

_names = itertools.count()


def body(response) -> str:
    return response.content.decode()


# --- Pages ----------------------------------------------------------------------------------


def test_a_buyer_asks_offers_and_writes_from_the_listing_panel(client_for, listing, buyer):
    client = client_for(buyer)
    panel = client.get(reverse("marketplace:deals_listing", args=[listing.pk]))
    assert "Make an offer" in body(panel)
    client.post(reverse("marketplace:deals_question_ask", args=[listing.pk]), {"text": "Size?"})
    client.post(reverse("marketplace:deals_offer_make", args=[listing.pk]), {"amount": "400"})
    response = client.post(
        reverse("marketplace:deals_conversation_start", args=[listing.pk]), {"text": "Hi"}
    )
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("marketplace:deals_conversation", args=[conversation.pk])
    assert Question.objects.get().text == "Size?"
    assert Offer.objects.get().buyer == buyer
    page = client.get(reverse("marketplace:deals_offers_made"))
    assert "Trek Marlin 7" in body(page) and "Open" in body(page)


def test_the_listing_page_can_load_the_panel_alone_with_htmx(client_for, listing, buyer):
    url = reverse("marketplace:deals_listing", args=[listing.pk])
    response = client_for(buyer).get(url, HTTP_HX_REQUEST="true")
    assert body(response).lstrip().startswith("<div")
    assert 'id="deal-panel"' in body(response)
    assert "<html" not in body(response)


def test_the_seller_sees_no_offer_or_message_form_on_their_own_listing(client_for, owner, listing):
    panel = body(client_for(owner).get(reverse("marketplace:deals_listing", args=[listing.pk])))
    assert "Make an offer" not in panel
    assert "Write to the seller" not in panel


def test_a_bad_offer_is_refused_with_a_message_and_changes_nothing(client_for, listing, owner):
    response = client_for(owner).post(
        reverse("marketplace:deals_offer_make", args=[listing.pk]), {"amount": "10"}, follow=True
    )
    assert "You can&#x27;t make an offer on your own listing." in body(response)
    assert not Offer.objects.exists()


def test_the_seller_accepts_with_htmx_and_the_list_updates(client_for, owner, listing, buyer):
    offer = make_offer(listing, buyer)
    other = make_offer(listing, PersonFactory.create(name="Carl Buyer"))
    response = client_for(owner).post(
        reverse("marketplace:deals_offer_accept", args=[offer.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="offers-received"' in body(response)
    assert "Mark sold" in body(response)
    other.refresh_from_db()
    assert other.status == Offer.Status.DECLINED


def test_an_htmx_accept_that_lost_says_why(client_for, owner, listing, buyer):
    first, second = (
        make_offer(listing, buyer),
        make_offer(listing, PersonFactory.create(name="Carl Buyer")),
    )
    offers.offer_accept(seller=owner, offer=first)
    response = client_for(owner).post(
        reverse("marketplace:deals_offer_accept", args=[second.pk]), HTTP_HX_REQUEST="true"
    )
    assert "bazaar:error" in response["HX-Trigger"]


def test_marking_sold_leads_to_rating_the_buyer(client_for, owner, listing, buyer):
    offers.offer_accept(seller=owner, offer=make_offer(listing, buyer))
    client = client_for(owner)
    response = client.post(reverse("marketplace:deals_sale_complete", args=[listing.pk]))
    purchase = Purchase.objects.get()
    assert response["Location"] == reverse("marketplace:deals_rate", args=[purchase.pk])
    client.post(response["Location"], {"stars": "5", "line": "Punctual"})
    again = client.post(response["Location"], {"stars": "1"})
    assert again.status_code == 400
    assert "You already rated this sale." in body(again)
    assert list(Rating.objects.values_list("stars", flat=True)) == [5]


def test_declaring_a_future_purchase_shows_the_error(client_for, buyer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(buyer).post(
        reverse("marketplace:deals_purchase_declare"),
        {"category": category("bikes").pk, "description": "Lamp", "purchased_on": tomorrow},
    )
    assert response.status_code == 400
    assert "can&#x27;t be in the future" in body(response)
    assert not Purchase.objects.exists()


def test_a_conversation_page_shows_its_messages_to_its_two_sides_only(
    client_for, owner, listing, buyer, stranger
):
    conversation = conversations.conversation_start(
        buyer=buyer, listing=listing, text="Is it rusty?"
    )
    url = reverse("marketplace:deals_conversation", args=[conversation.pk])
    assert "Is it rusty?" in body(client_for(owner).get(url))
    assert client_for(stranger).get(url).status_code == 404


# --- Unpublished listings -------------------------------------------------------------------

UNPUBLISHED = [Listing.Status.DRAFT, Listing.Status.WITHDRAWN]


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_an_unpublished_listings_panel_is_not_found_for_anyone_but_its_seller(
    client, client_for, owner, buyer, status
):
    listing = marlin_for_sale(owner, audience="public", status=status, title="Unshown bike")
    url = reverse("marketplace:deals_listing", args=[listing.pk])

    visitor = client.get(url)
    member = client_for(buyer).get(url)
    seller = client_for(owner).get(url)

    assert (visitor.status_code, member.status_code, seller.status_code) == (404, 404, 200)
    assert "Unshown bike" not in body(visitor) + body(member)
    assert "Unshown bike" in body(seller)


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_the_api_answers_404_for_an_unpublished_listings_questions(
    api_client_for, owner, buyer, status
):
    listing = marlin_for_sale(owner, audience="public", status=status)
    url = reverse("api-market-questions", args=[listing.pk])

    answers = [api_client_for(person).get(url).status_code for person in (None, buyer, owner)]

    assert answers == [404, 404, 200]


# --- API ------------------------------------------------------------------------------------


def test_the_api_answers_409_to_the_loser_of_two_acceptances(api_client_for, owner, listing):
    first = make_offer(listing, PersonFactory.create(name="Bea Buyer"))
    second = make_offer(listing, PersonFactory.create(name="Carl Buyer"))
    api = api_client_for(owner)
    assert api.post(f"/api/market/deals/offers/{first.pk}/accept/").status_code == 200
    lost = api.post(f"/api/market/deals/offers/{second.pk}/accept/")
    assert lost.status_code == 409
    assert lost.json()["error"]["code"] == "lost_race"
    assert Offer.objects.filter(status="accepted").count() == 1


@pytest.mark.parametrize(
    ("amount", "status"), [("-1", 400), ("0", 400), ("5000000", 400), ("9.999", 400), ("x", 400)]
)
def test_the_api_refuses_bad_amounts(api_client_for, listing, buyer, amount, status):
    response = api_client_for(buyer).post(
        f"/api/market/deals/listings/{listing.pk}/offers/", {"amount": amount}, format="json"
    )
    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert not Offer.objects.exists()


def test_the_api_refuses_an_offer_on_your_own_or_a_sold_listing(api_client_for, owner, buyer):
    own = marlin_for_sale(owner)
    refused = api_client_for(owner).post(
        f"/api/market/deals/listings/{own.pk}/offers/", {"amount": "5"}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "You can't make an offer on your own listing."
    sold = marlin_for_sale(owner, status=Listing.Status.SOLD)
    refused = api_client_for(buyer).post(
        f"/api/market/deals/listings/{sold.pk}/offers/", {"amount": "5"}, format="json"
    )
    assert (refused.status_code, refused.json()["error"]["message"]) == (409, "This item is sold.")
    assert not Offer.objects.exists()


def test_the_api_flow_from_offer_to_ratings(api_client_for, owner, listing, buyer):
    as_buyer, as_seller = api_client_for(buyer), api_client_for(owner)
    made = as_buyer.post(
        f"/api/market/deals/listings/{listing.pk}/offers/", {"amount": "420.50"}, format="json"
    )
    assert made.status_code == 201
    offer_id = made.json()["id"]
    assert as_seller.get("/api/market/deals/offers/received/").json()[0]["id"] == offer_id
    assert as_seller.post(f"/api/market/deals/offers/{offer_id}/accept/").status_code == 200
    sale = as_seller.post(f"/api/market/deals/listings/{listing.pk}/sale/")
    assert sale.status_code == 201
    assert (sale.json()["verified"], sale.json()["price"]) == (True, "420.50")
    rating_url = f"/api/market/deals/purchases/{sale.json()['id']}/rating/"
    assert as_buyer.post(rating_url, {"stars": 5}, format="json").status_code == 201
    twice = as_buyer.post(rating_url, {"stars": 2}, format="json")
    assert twice.status_code == 409
    assert Rating.objects.get().stars == 5


def test_the_api_declares_a_purchase_and_refuses_a_future_one(api_client_for, buyer):
    api = api_client_for(buyer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    values = {"category": category("bikes").pk, "description": "Lamp"}
    refused = api.post("/api/market/deals/purchases/", {**values, "purchased_on": tomorrow})
    assert refused.status_code == 400
    assert "future" in refused.json()["error"]["message"]
    today = timezone.localdate().isoformat()
    made = api.post("/api/market/deals/purchases/", {**values, "purchased_on": today})
    assert made.status_code == 201
    assert made.json()["verified"] is False


# --- Fixed query counts ---------------------------------------------------------------------

LIST_PAGES = [
    "/market/deals/offers/",
    "/market/deals/offers/received/",
    "/market/deals/conversations/",
    "/market/deals/purchases/",
    "/market/deals/listings/{listing}/",
    "/api/market/deals/offers/",
    "/api/market/deals/offers/received/",
    "/api/market/deals/conversations/",
    "/api/market/deals/purchases/",
    "/api/market/deals/listings/{listing}/questions/",
]


def grow(me, my_listing, size: int) -> None:
    """Add `size` of everything the lists show, for `me` as buyer and as seller."""
    for _ in range(size):
        n = next(_names)
        other = PersonFactory.create(name=f"Grower {n}")
        theirs = marlin_for_sale(other, title=f"Their thing {n}")
        make_offer(theirs, me)
        make_offer(my_listing, other)
        questions.question_ask(asker=other, listing=my_listing, text=f"Question {n}")
        conversations.conversation_start(buyer=other, listing=my_listing, text=f"Hello {n}")
        conversations.conversation_start(buyer=me, listing=theirs, text=f"Hi {n}")
        sold = marlin_for_sale(me, title=f"Sold {n}", status="sold")
        Purchase.objects.create(
            buyer=other,
            seller=me,
            listing=sold,
            category=sold.category,
            description=sold.title,
            price=10,
            verified=True,
            purchased_on=timezone.localdate(),
        )
        purchases.purchase_declare(
            buyer=me,
            category=sold.category,
            description=f"Thing {n}",
            purchased_on=timezone.localdate(),
        )


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_run_a_fixed_number_of_queries(client_for, owner, url):
    listing = marlin_for_sale(owner)
    client = client_for(owner)
    url = url.format(listing=listing.pk)
    grow(owner, listing, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(owner, listing, 4)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big) == len(small), "\n".join(q["sql"] for q in big.captured_queries)
