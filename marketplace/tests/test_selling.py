"""Selling: delivery (pickup, shipping and its price), brands and models named outside the
catalog (suggestions staff resolve), and marking a listing sold to a chosen buyer at a price."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from config.errors import Conflict, DomainError
from marketplace.models import CatalogSuggestion, Listing, Offer, Purchase
from marketplace.selectors.deals import sale_candidates
from marketplace.selectors.listings import listing_page
from marketplace.services import catalog_suggestions, listings, offers, purchases
from marketplace.services.conversations import conversation_start
from marketplace.services.questions import question_ask
from social.models import Notification
from social.services.blocks import block_create
from tests.factories import (
    PersonFactory,
    make_admin,
    make_listing,
    make_offer,
    make_product,
    marlin_for_sale,
    product,
    reserve_for,
)

# --- Delivery ---------------------------------------------------------------------------------


def test_a_listing_offers_pickup_alone_by_default(owner):
    listing = marlin_for_sale(owner)
    assert (listing.pickup, listing.shipping, listing.shipping_price) == (True, False, None)
    assert listing.delivery_label == "Pickup"


def test_shipping_needs_its_price_and_zero_is_free(owner):
    with pytest.raises(DomainError, match="shipping price") as refused:
        marlin_for_sale(owner, shipping=True)
    assert refused.value.field == "shipping_price"
    free = marlin_for_sale(owner, shipping=True, shipping_price="0")
    assert free.shipping_price == Decimal("0.00")
    paid = marlin_for_sale(owner, pickup=False, shipping=True, shipping_price="6,50")
    assert (paid.pickup, paid.shipping_price) == (False, Decimal("6.50"))
    assert paid.delivery_label == "Shipping"


def test_a_listing_without_any_delivery_is_refused_and_nothing_is_saved(owner):
    with pytest.raises(DomainError, match="how the buyer gets it"):
        marlin_for_sale(owner, pickup=False, shipping=False)
    assert not Listing.objects.exists()


def test_a_shipping_price_without_shipping_is_ignored(owner):
    listing = marlin_for_sale(owner, shipping_price="12")
    assert listing.shipping_price is None


@pytest.mark.parametrize(
    "price", ["-1", "abc", "10001", "1.234"], ids=["negative", "text", "too high", "decimals"]
)
def test_a_bad_shipping_price_gets_a_sentence(owner, price):
    with pytest.raises(DomainError, match="shipping price") as refused:
        marlin_for_sale(owner, shipping=True, shipping_price=price)
    assert refused.value.field == "shipping_price"


def test_the_database_refuses_a_listing_nobody_can_get(owner):
    listing = marlin_for_sale(owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(pickup=False, shipping=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(shipping=True, shipping_price=None)


def test_an_edit_switches_to_shipping_only(owner):
    listing = marlin_for_sale(owner)
    listings.listing_update(
        seller=owner, listing=listing, pickup=False, shipping=True, shipping_price="9"
    )
    listing.refresh_from_db()
    assert (listing.pickup, listing.shipping, listing.shipping_price) == (
        False,
        True,
        Decimal("9.00"),
    )


# --- Brands and models named outside the catalog -------------------------------------------


def _named(owner, **fields):
    marlin = make_product()
    return make_listing(
        owner,
        title="A bike of an odd make",
        category=marlin.category,
        condition="good",
        price="300",
        place="Lyon",
        latitude="45.76",
        longitude="4.83",
        **fields,
    )


def test_a_named_brand_is_kept_on_the_listing_and_suggested_once(owner, stranger):
    first = _named(owner, brand_name="  Vélo   de Ville ")
    _named(stranger, brand_name="vélo de ville")
    assert first.brand_name == "Vélo de Ville" and first.brand is None
    suggestion = CatalogSuggestion.objects.get()
    assert (suggestion.kind, suggestion.name, suggestion.suggested_by) == (
        "brand",
        "Vélo de Ville",
        owner,
    )


def test_a_named_brand_the_catalog_has_becomes_that_brand(owner):
    listing = _named(owner, brand_name="TREK")
    assert listing.brand.name == "Trek" and listing.brand_name == ""
    assert not CatalogSuggestion.objects.exists()


def test_a_named_model_of_a_known_brand_the_catalog_has_becomes_that_model(owner):
    marlin = make_product()
    listing = _named(owner, brand=marlin.brand.pk, model_name="marlin 7")
    assert listing.product_model == marlin and listing.model_name == ""


def test_a_brand_chosen_and_another_named_is_refused(owner):
    marlin = make_product()
    with pytest.raises(DomainError, match="clear it to name another brand"):
        _named(owner, brand=marlin.brand.pk, brand_name="Other")


def test_staff_add_a_suggested_brand_and_its_listings_point_to_it(owner):
    listing = _named(owner, brand_name="Gazelle", model_name="Esprit")
    brand_suggestion = CatalogSuggestion.objects.get(kind="brand")
    staff = make_admin()
    brand = catalog_suggestions.suggestion_add(staff=staff, suggestion=brand_suggestion)
    listing.refresh_from_db()
    assert (listing.brand, listing.brand_name, listing.model_name) == (brand, "", "Esprit")
    model_suggestion = CatalogSuggestion.objects.get(kind="model")
    assert model_suggestion.brand == brand  # now it can be added in its turn
    product = catalog_suggestions.suggestion_add(staff=staff, suggestion=model_suggestion)
    listing.refresh_from_db()
    assert (listing.product_model, listing.model_name) == (product, "")
    assert set(CatalogSuggestion.objects.values_list("status", flat=True)) == {"added"}


def test_staff_merge_a_suggested_model_into_a_catalog_model(owner):
    marlin = make_product()
    listing = _named(owner, brand=marlin.brand.pk, model_name="Marlin Seven")
    suggestion = CatalogSuggestion.objects.get()
    staff = make_admin()
    moved = catalog_suggestions.suggestion_merge(
        staff=staff, suggestion=suggestion, product_model=marlin
    )
    listing.refresh_from_db()
    assert moved == 1 and listing.product_model == marlin and listing.model_name == ""
    with pytest.raises(Conflict, match="already merged"):
        catalog_suggestions.suggestion_reject(staff=staff, suggestion=suggestion)


def test_only_staff_resolve_suggestions(owner):
    _named(owner, brand_name="Gazelle")
    with pytest.raises(DomainError, match="Only staff"):
        catalog_suggestions.suggestion_add(staff=owner, suggestion=CatalogSuggestion.objects.get())


# --- Marking sold ------------------------------------------------------------------------------


def test_the_candidates_are_who_asked_offered_or_wrote_and_not_the_blocked(owner):
    listing = marlin_for_sale(owner)
    asker, offerer, writer, blocked = (PersonFactory.create() for _ in range(4))
    question_ask(asker=asker, listing=listing, text="Size?")
    make_offer(listing, offerer, "380")
    conversation_start(buyer=writer, listing=listing, text="Still there?")
    make_offer(listing, blocked, "390")
    block_create(blocker=owner, blocked=blocked)
    assert set(sale_candidates(listing)) == {asker, offerer, writer}


def test_a_seller_sells_an_active_listing_to_someone_who_asked_at_a_price(owner, buyer):
    listing = marlin_for_sale(owner)
    question_ask(asker=buyer, listing=listing, text="Can I try it?")
    other = PersonFactory.create()
    offer = make_offer(listing, other, "350")
    purchase = purchases.sale_complete(seller=owner, listing=listing, sold_to=buyer, price="410")
    listing.refresh_from_db()
    assert listing.status == "sold"
    assert (purchase.buyer, purchase.price, purchase.verified) == (buyer, Decimal("410"), True)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    # The sold price shows to the two parties, not to anyone else.
    assert listing_page(buyer, listing.pk).sold_price == Decimal("410")
    assert listing_page(owner, listing.pk).sold_price == Decimal("410")
    assert listing_page(other, listing.pk).sold_price is None


def test_a_sale_past_pending_offers_declines_them_and_tells_their_buyers(owner, buyer):
    listing = marlin_for_sale(owner)
    waiting, answered = PersonFactory.create(), PersonFactory.create()
    make_offer(listing, waiting, "350")
    offers.offer_counter(seller=owner, offer=make_offer(listing, answered, "300"), amount="380")
    purchases.sale_complete(seller=owner, listing=listing, elsewhere=True, price="400")
    assert set(Offer.objects.values_list("status", flat=True)) == {Offer.Status.DECLINED}
    told = Notification.objects.filter(kind="market_offer_declined")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([waiting.pk, answered.pk])
    assert told.first().text == f"“{listing.title}” is sold; your offer is closed."


def test_a_seller_records_a_sale_to_someone_not_on_bazaar(owner):
    listing = marlin_for_sale(owner)
    purchase = purchases.sale_complete(seller=owner, listing=listing, elsewhere=True, price="300")
    assert (purchase.buyer, purchase.seller, purchase.verified) == (None, owner, False)
    assert Listing.objects.get(pk=listing.pk).status == "sold"


def test_a_sale_to_someone_who_never_came_by_is_refused(owner, stranger):
    listing = marlin_for_sale(owner)
    with pytest.raises(DomainError, match="asked, offered or wrote"):
        purchases.sale_complete(seller=owner, listing=listing, sold_to=stranger, price="300")
    assert not Purchase.objects.exists()
    assert Listing.objects.get(pk=listing.pk).status == "active"


def test_a_reserved_listing_sells_only_to_its_buyer_until_released(owner, buyer):
    listing = marlin_for_sale(owner)
    other = PersonFactory.create()
    make_offer(listing, other, "300")
    reserve_for(listing, buyer, "420")
    with pytest.raises(Conflict, match="release the reservation"):
        purchases.sale_complete(seller=owner, listing=listing, sold_to=other, price="300")
    with pytest.raises(Conflict, match="release the reservation"):
        purchases.sale_complete(seller=owner, listing=listing, elsewhere=True)
    purchase = purchases.sale_complete(seller=owner, listing=listing, sold_to=buyer)
    assert purchase.price == Decimal("420")  # the accepted offer's price by default


def test_a_bad_sold_price_gets_a_sentence(owner, buyer):
    listing = marlin_for_sale(owner)
    question_ask(asker=buyer, listing=listing, text="Size?")
    with pytest.raises(DomainError, match="price it sold for") as refused:
        purchases.sale_complete(seller=owner, listing=listing, sold_to=buyer, price="-5")
    assert refused.value.field == "price"


# --- Pages ------------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    marlin = make_product()
    return {
        "title": "Trek Marlin 7",
        "category": marlin.category.pk,
        "product_model": marlin.pk,
        "condition": "good",
        "price": "450",
        "currency": "EUR",
        "place": "Lyon",
        "latitude": "45.76",
        "longitude": "4.835",
        "pickup": "on",
        "audience": "friends",
        **overrides,
    }


def test_every_page_has_a_sell_button_and_visitors_log_in_first(owner, client_for):
    page = client_for(owner).get("/").content.decode()
    assert 'class="button button-small nav-sell" href="/market/listings/new/"' in page
    response = Client().get("/market/listings/new/")
    assert response.status_code == 302
    assert "next=/market/listings/new/" in response["Location"]


def test_the_form_preselects_no_condition_and_refuses_none(owner, client_for):
    client = client_for(owner)
    page = client.get("/market/listings/new/").content.decode()
    assert '<option value="" selected>Choose…</option>' in page
    assert page.index('name="photos"') < page.index('name="title"') < page.index('name="condition"')
    assert page.index('name="price"') < page.index('name="place"') < page.index('name="audience"')
    response = client.post("/market/listings/new/", _form(condition=""))
    assert response.status_code == 400
    assert "Choose the condition." in response.content.decode()
    assert not Listing.objects.exists()


def test_preview_then_publish(owner, client_for):
    client = client_for(owner)
    response = client.post("/market/listings/new/", _form(preview="1"))
    listing = Listing.objects.get()
    assert listing.status == "draft"
    assert response["Location"] == f"/market/listings/{listing.pk}/preview/"
    page = client.get(response["Location"]).content.decode()
    assert "This is how buyers will see it." in page
    assert "Publish" in page and f"/market/listings/{listing.pk}/edit/" in page
    client.post(f"/market/listings/{listing.pk}/status/", {"action": "publish"})
    assert Listing.objects.get().status == "active"


def test_circles_ticked_under_another_audience_are_not_a_refusal(owner, client_for):
    from social.services.circles import circle_create

    circle = circle_create(owner=owner, name="Climbing")
    response = client_for(owner).post(
        "/market/listings/new/",
        _form(audience="public", circles=[circle.pk], nearby_radius_km="9999"),
    )
    assert response.status_code == 302
    listing = Listing.objects.get()
    assert listing.audience == "public" and not listing.circles.exists()


def test_the_brand_and_model_lists_follow_the_category(owner, client_for):
    marlin = make_product()
    client = client_for(owner)
    bikes = client.get(f"/market/listings/new/catalog-fields/?category={marlin.category.pk}")
    assert bikes.status_code == 200
    html = bikes.content.decode()
    assert 'id="catalog-fields"' in html and "Trek Marlin 7" in html
    assert "Brand not in the list" in html and "Fujifilm" not in html
    camera = product("fujifilm-x-t3")
    cameras = client.get(f"/market/listings/new/catalog-fields/?category={camera.category_id}")
    assert "Fujifilm X-T3" in cameras.content.decode()
    assert "Trek Marlin 7" not in cameras.content.decode()


def test_the_sale_page_asks_who_bought_it_and_at_what_price(owner, buyer, client_for):
    listing = marlin_for_sale(owner)
    make_offer(listing, buyer, "380")
    client = client_for(owner)
    page = client.get(f"/market/deals/listings/{listing.pk}/sold/").content.decode()
    assert "This is final." in page
    assert buyer.display_name in page and "Someone else, not on Bazaar" in page
    response = client.post(
        f"/market/deals/listings/{listing.pk}/sold/", {"buyer": "elsewhere", "price": "abc"}
    )
    assert response.status_code == 400
    assert "as a number" in response.content.decode()
    response = client.post(
        f"/market/deals/listings/{listing.pk}/sold/", {"buyer": str(buyer.pk), "price": "395"}
    )
    purchase = Purchase.objects.get()
    assert response["Location"] == f"/market/deals/purchases/{purchase.pk}/rate/"
    assert purchase.price == Decimal("395")
    buyer_page = client_for(buyer).get(f"/market/listings/{listing.pk}/").content.decode()
    assert "Sold for <strong>€395</strong>" in buyer_page


def test_delivery_shows_on_the_listing_and_filters_the_search(owner, client_for, stranger):
    shipped = marlin_for_sale(owner, title="Shipped bike", shipping=True, shipping_price="8")
    marlin_for_sale(owner, title="Collected bike")
    page = client_for(stranger).get(f"/market/listings/{shipped.pk}/").content.decode()
    assert "Local pickup · Shipping €8" in page
    found = client_for(stranger).get("/market/search/?delivery=shipping").content.decode()
    assert "Shipped bike" in found and "Collected bike" not in found
    bad = client_for(stranger).get("/market/search/?delivery=teleport")
    assert "Filter the delivery by one of: pickup, shipping." in bad.content.decode()


def test_the_api_takes_and_shows_delivery(owner, api_client_for):
    marlin = make_product()
    body = {
        "title": "Trek Marlin 7",
        "category": marlin.category.pk,
        "condition": "good",
        "price": "450",
        "place": "Lyon",
        "latitude": "45.76",
        "longitude": "4.83",
        "pickup": False,
        "shipping": True,
        "shipping_price": "7.50",
        "brand_name": "Gazelle",
        "publish": True,
    }
    response = api_client_for(owner).post("/api/market/listings/", body, format="json")
    assert response.status_code == 201, response.data
    assert (response.data["pickup"], response.data["shipping"]) == (False, True)
    assert response.data["shipping_price"] == "7.50"
    assert response.data["brand_name"] == "Gazelle"
    refused = api_client_for(owner).post(
        "/api/market/listings/", body | {"shipping": False}, format="json"
    )
    assert refused.status_code == 400
    assert "how the buyer gets it" in str(refused.data)


def test_staff_merge_suggestions_from_the_admin(owner, client_for):
    marlin = make_product()
    listing = _named(owner, brand_name="Treck")
    suggestion = CatalogSuggestion.objects.get()
    client = client_for(make_admin())
    url = "/admin/marketplace/catalogsuggestion/"
    picked = {"action": "merge_into", "_selected_action": [suggestion.pk]}
    form = client.post(url, picked)
    assert form.status_code == 200 and "Merge suggestions into the catalog" in form.content.decode()
    done = client.post(url, picked | {"apply": "1", "brand": marlin.brand.pk})
    assert done.status_code == 302
    listing.refresh_from_db()
    assert (listing.brand, listing.brand_name) == (marlin.brand, "")
    assert CatalogSuggestion.objects.get().status == "merged"
