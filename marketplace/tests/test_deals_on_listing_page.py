"""The deal panel on the listing page: its forms come back to the listing, the seller answers
offers there, and after a sale the buyer is led to review the product and rate the seller."""

from __future__ import annotations

from django.urls import reverse

from marketplace.models import Listing, Offer, Purchase
from marketplace.services import offers, purchases
from tests.factories import PersonFactory, make_offer, marlin_for_sale


def body(response) -> str:
    return response.content.decode()


def listing_page(listing) -> str:
    return reverse("marketplace:listing", args=[listing.pk]) + "#deal-panel"


def test_a_question_and_an_offer_come_back_to_the_listing_page(client_for, listing, buyer):
    client = client_for(buyer)
    asked = client.post(reverse("marketplace:deals_question_ask", args=[listing.pk]), {"text": "?"})
    offered = client.post(
        reverse("marketplace:deals_offer_make", args=[listing.pk]), {"amount": "400"}
    )
    assert asked["Location"] == listing_page(listing)
    assert offered["Location"] == listing_page(listing)


def test_the_seller_sees_the_offers_on_this_listing_in_the_panel(client_for, owner, listing, buyer):
    make_offer(listing, buyer, amount="410")
    elsewhere = marlin_for_sale(owner, title="Lamp")
    make_offer(elsewhere, PersonFactory.create(name="Carl Buyer"), amount="12")
    panel = body(client_for(owner).get(reverse("marketplace:deals_listing", args=[listing.pk])))
    assert "€410</strong> from Bea Buyer" in panel
    assert "Carl Buyer" not in panel


def test_accepting_from_the_listing_answers_htmx_with_the_panel(client_for, owner, listing, buyer):
    offer = make_offer(listing, buyer)
    response = client_for(owner).post(
        reverse("marketplace:deals_offer_accept", args=[offer.pk]),
        {"from": "listing"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="deal-panel"' in body(response)
    assert "Mark sold to Bea Buyer" in body(response)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


def test_a_plain_accept_from_the_listing_comes_back_to_it(client_for, owner, listing, buyer):
    offer = make_offer(listing, buyer)
    response = client_for(owner).post(
        reverse("marketplace:deals_offer_accept", args=[offer.pk]), {"from": "listing"}
    )
    assert response["Location"] == listing_page(listing)


def test_after_the_sale_the_buyer_is_asked_to_review_and_rate(client_for, owner, listing, buyer):
    offers.offer_accept(seller=owner, offer=make_offer(listing, buyer))
    purchase = purchases.sale_complete(seller=owner, listing=listing)
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.SOLD
    panel = body(client_for(buyer).get(reverse("marketplace:deals_listing", args=[listing.pk])))
    review_url = reverse("marketplace:deals_purchase_review", args=[purchase.pk])
    assert f'href="{review_url}"' in panel
    assert reverse("marketplace:deals_rate", args=[purchase.pk]) in panel
    form = body(client_for(buyer).get(review_url))
    assert "Publish review" in form


def test_someone_else_sees_no_review_prompt_on_a_sold_listing(client_for, owner, listing, buyer):
    offers.offer_accept(seller=owner, offer=make_offer(listing, buyer))
    purchases.sale_complete(seller=owner, listing=listing)
    other = PersonFactory.create(name="Carl Buyer")
    panel = body(client_for(other).get(reverse("marketplace:deals_listing", args=[listing.pk])))
    assert "Write a review" not in panel
    assert "This item is sold." in panel
    assert Purchase.objects.get().buyer == buyer
