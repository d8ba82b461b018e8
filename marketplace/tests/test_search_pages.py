"""Search pages and API: what they show, how they refuse bad input, and their query counts."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.models import ListingPhoto, SavedSearch, Watch
from marketplace.services.search import saved_search_create, watch_add
from social.services.blocks import block_create
from tests.factories import PARIS, PersonFactory, listing_for, with_home

_n = itertools.count()


@pytest.fixture
def buyer(buyer):
    """The cast's buyer, at home in Amsterdam."""
    return with_home(buyer)


# --- Pages -----------------------------------------------------------------------------------


def test_the_search_page_shows_matching_cards_with_distance(tree, seller, buyer, client_for):
    listing_for(seller, tree["bikes"], title="Gravel bike", price="420")
    listing_for(seller, tree["bikes"], title="Paris bike", at=PARIS)
    listing_for(seller, tree["home"], title="Velvet settee")

    page = client_for(buyer).get(reverse("marketplace:search"), {"q": "bike", "radius_km": 25})

    assert page.status_code == 200
    body = page.content.decode()
    assert "Gravel bike" in body and "420" in body and "under 1 km away" in body
    assert "Paris bike" not in body and "Velvet settee" not in body
    assert "Save this search" in body


def test_a_visitor_searches_public_listings_read_only(tree, seller, client):
    listing_for(seller, tree["bikes"], title="Public vélo", audience="public", price="1200")
    listing_for(seller, tree["bikes"], title="Members bike", audience="members")
    listing_for(seller, tree["bikes"], title="Friends bike", audience="friends")
    listing_for(seller, tree["bikes"], title="Nearby bike", audience="nearby")

    page = client.get(reverse("marketplace:search"), {"q": "bikes"})

    assert page.status_code == 200
    body = page.content.decode()
    assert "Public vélo" in body and "€1,200" in body
    assert "Members bike" not in body and "Friends bike" not in body and "Nearby bike" not in body
    assert "Save this search" not in body and "Watch" not in body
    assert "Sign in to sell, ask or offer" in body


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "'\"():*&|!"},
        {"q": "a " * 59},
        {"max_price": "\x00"},
        {"currency": "\x00"},
        {"currency": "gbp", "max_price": "1e999"},
        {"min_price": "-0", "max_price": "٣"},
    ],
)
def test_odd_input_is_a_page_or_a_400_never_a_500(tree, client, params):
    assert client.get(reverse("marketplace:search"), params).status_code in (200, 400)


def test_a_visitor_opens_a_public_listing_without_its_deals(tree, seller, client):
    listing = listing_for(seller, tree["bikes"], title="Public vélo", audience="public")

    page = client.get(reverse("marketplace:listing", args=[listing.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Sign in to ask or offer" in body
    assert "deal-panel" not in body and "Report" not in body
    assert seller.email not in body


def test_a_price_typed_as_in_the_listing_form_filters_and_other_currencies_are_labelled(
    tree, seller, buyer, client_for
):
    listing_for(seller, tree["bikes"], title="Euro bike", price="89.50")
    listing_for(seller, tree["bikes"], title="Pound bike", price="80", currency="GBP")

    everything = client_for(buyer).get(reverse("marketplace:search"), {"q": "bike"})
    filtered = client_for(buyer).get(reverse("marketplace:search"), {"max_price": "89,50"})

    assert "in GBP" in everything.content.decode()
    body = filtered.content.decode()
    assert filtered.status_code == 200
    assert "Euro bike" in body and "€89.50" in body and "Pound bike" not in body
    assert "listings priced in another currency are left out" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"radius_km": "0"}, "between 1 and 500 km"),
        ({"radius_km": "50000"}, "between 1 and 500 km"),
        ({"min_price": "300", "max_price": "100"}, "minimum price is above"),
        ({"category": "999999"}, "no such category"),
        ({"sort": "cheapest"}, "Sort by one of"),
        ({"condition": "mint"}, "Unknown condition"),
        ({"max_price": "a lot"}, "Enter a price as a number"),
        ({"currency": "XBT"}, "Choose the currency"),
    ],
)
def test_the_search_page_explains_bad_filters_with_a_400(tree, buyer, client_for, params, message):
    page = client_for(buyer).get(reverse("marketplace:search"), params)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_blocked_sellers_listings_are_not_on_the_page(tree, seller, buyer, client_for):
    listing_for(seller, tree["bikes"], title="Blocked bike")
    block_create(blocker=buyer, blocked=seller)
    assert (
        "Blocked bike" not in client_for(buyer).get(reverse("marketplace:search")).content.decode()
    )


def test_save_this_search_then_delete_it(tree, buyer, client_for):
    client = client_for(buyer)
    response = client.post(
        reverse("marketplace:saved_search_create"),
        {"q": "bike", "category": tree["bikes"].pk, "max_price": "", "radius_km": "10"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(owner=buyer)
    assert (saved.query, saved.category_id, saved.radius_km) == ("bike", tree["bikes"].pk, 10)
    assert "“bike”" in client.get(reverse("marketplace:saved_searches")).content.decode()

    client.post(reverse("marketplace:saved_search_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


def test_a_bad_saved_search_is_a_message_not_a_500(tree, buyer, client_for):
    response = client_for(buyer).post(
        reverse("marketplace:saved_search_create"), {"q": "bike", "radius_km": "0"}, follow=True
    )
    assert response.status_code == 200
    assert "between 1 and 500 km" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_watch_and_unwatch_in_place_with_htmx(tree, seller, buyer, client_for):
    listing = listing_for(seller, tree["bikes"], title="Watched bike")
    client = client_for(buyer)

    added = client.post(reverse("marketplace:watch_add", args=[listing.pk]), HTTP_HX_REQUEST="true")
    assert added.status_code == 200 and "Watching" in added.content.decode()
    assert "Watched bike" in client.get(reverse("marketplace:watchlist")).content.decode()

    client.post(reverse("marketplace:watch_remove", args=[listing.pk]), HTTP_HX_REQUEST="true")
    assert not Watch.objects.exists()


def test_watching_a_listing_one_cannot_see_changes_nothing(tree, seller, buyer, client_for):
    listing = listing_for(seller, tree["bikes"], audience="friends")
    response = client_for(buyer).post(reverse("marketplace:watch_add", args=[listing.pk]))
    assert response.status_code == 302
    assert not Watch.objects.exists()


# --- API -------------------------------------------------------------------------------------


def test_the_search_api_answers_a_page(tree, seller, buyer, api_client_for):
    for _ in range(3):
        listing_for(seller, tree["mountain"], title=f"Bike {next(_n)}")
    answer = api_client_for(buyer).get(
        reverse("api-market-search"),
        {"q": "bike", "category": tree["bikes"].slug, "radius_km": 5, "sort": "newest"},
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["page"] == 1 and data["has_next"] is False and len(data["results"]) == 3
    card = data["results"][0]
    assert card["distance_km"] == 0.0 and card["category_name"] == "Mountain"
    assert card["place"] and card["latitude"] is None  # coordinates for the seller alone
    own = api_client_for(seller).get(reverse("api-market-search"), {"q": "bike"}).json()
    assert own["results"][0]["latitude"] == "52.37"


def test_the_search_api_compares_prices_in_the_currency_asked(tree, seller, buyer, api_client_for):
    listing_for(seller, tree["bikes"], title="Euro bike", price="89.50")
    listing_for(seller, tree["bikes"], title="Pound bike", price="80", currency="GBP")
    api = api_client_for(buyer)

    def found(**params):
        answer = api.get(reverse("api-market-search"), {"q": "vélos", **params})
        return [card["title"] for card in answer.json()["results"]]

    assert set(found()) == {"Euro bike", "Pound bike"}
    assert found(max_price="1 000") == ["Euro bike"]
    assert found(max_price="1 000", currency="GBP") == ["Pound bike"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"radius_km": 0}, "invalid_radius_km"),
        ({"radius_km": 50_000}, "invalid_radius_km"),
        ({"min_price": 300, "max_price": 100}, "invalid_min_price"),
        ({"category": 999_999}, "invalid_category"),
        ({"sort": "cheapest"}, "invalid_sort"),
        ({"page": -1}, "invalid_page"),
        ({"currency": "XBT"}, "invalid_currency"),
        ({"max_price": "cheap"}, "invalid_max_price"),
    ],
)
def test_the_search_api_refuses_bad_filters_with_a_400(tree, buyer, api_client_for, params, code):
    answer = api_client_for(buyer).get(reverse("api-market-search"), params)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == code


def test_saved_searches_through_the_api(tree, buyer, api_client_for):
    api = api_client_for(buyer)
    made = api.post(
        reverse("api-market-saved-searches"),
        {"q": "bike", "category": tree["bikes"].pk, "max_price": 300, "radius_km": 20},
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["max_price"] == "300.00" and made.json()["radius_km"] == 20
    again = api.post(
        reverse("api-market-saved-searches"),
        {"q": "bike", "category": tree["bikes"].pk, "max_price": 300, "radius_km": 20},
        format="json",
    )
    assert again.status_code == 409
    bad = api.post(
        reverse("api-market-saved-searches"), {"q": "bike", "radius_km": 0}, format="json"
    )
    assert bad.status_code == 400
    assert [row["q"] for row in api.get(reverse("api-market-saved-searches")).json()] == ["bike"]
    gone = api.delete(reverse("api-market-saved-search", args=[made.json()["id"]]))
    assert gone.status_code == 204 and not SavedSearch.objects.exists()


def test_the_watchlist_through_the_api(tree, seller, buyer, api_client_for):
    listing = listing_for(seller, tree["bikes"], title="Watched bike")
    hidden = listing_for(seller, tree["bikes"], audience="only_me")
    api = api_client_for(buyer)
    assert api.post(reverse("api-market-watchlist"), {"listing": listing.pk}).status_code == 201
    assert api.post(reverse("api-market-watchlist"), {"listing": hidden.pk}).status_code == 404
    rows = api.get(reverse("api-market-watchlist")).json()
    assert [row["listing"]["title"] for row in rows] == ["Watched bike"]
    assert api.delete(reverse("api-market-watch", args=[listing.pk])).status_code == 204
    assert api.delete(reverse("api-market-watch", args=[listing.pk])).status_code == 404


# --- Query counts ----------------------------------------------------------------------------


def grow(tree, buyer, size: int) -> None:
    """Add `size` sellers, each with a listing with photos that the buyer watches, and a saved
    search of the buyer."""
    for _ in range(size):
        n = next(_n)
        seller = PersonFactory.create(name=f"Grower Seller {n}")
        listing = listing_for(seller, tree["mountain"], title=f"Bike grown {n}")
        for position in range(2):
            ListingPhoto.objects.create(
                listing=listing,
                image="listings/x.jpg",
                thumbnail="listings/x.jpg",
                position=position,
            )
        watch_add(user=buyer, listing_id=listing.pk)
        saved_search_create(owner=buyer, query=f"bike {n}")


PAGES = [
    ("marketplace:search", {}),
    (
        "marketplace:search",
        {"q": "bike", "category": "{bikes}", "radius_km": 50, "sort": "distance"},
    ),
    ("marketplace:search", {"q": "vélos", "max_price": "1 000", "sort": "price_asc"}),
    ("marketplace:saved_searches", {}),
    ("marketplace:watchlist", {}),
    ("api-market-search", {"q": "bike", "category": "{bikes}", "radius_km": 50}),
    ("api-market-saved-searches", {}),
    ("api-market-watchlist", {}),
]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_list_pages_run_a_fixed_number_of_queries(tree, buyer, client_for, name, params):
    params = {k: str(v).format(bikes=tree["bikes"].pk) for k, v in params.items()}
    client = client_for(buyer)
    url = reverse(name)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(captured)

    grow(tree, buyer, 1)
    small = count()
    grow(tree, buyer, 6)
    assert count() == small


def test_a_visitors_search_page_runs_a_fixed_number_of_queries(tree, buyer, seller, client):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("marketplace:search"), {"q": "bikes"})
        assert response.status_code == 200
        return len(captured)

    listing_for(seller, tree["bikes"], title="Public bike", audience="public")
    small = count()
    for n in range(5):
        listing_for(seller, tree["bikes"], title=f"Public bike {n}", audience="public")
    assert count() == small
