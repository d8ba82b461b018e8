"""Listing pages and API: sell with photos, edit, the listing page, "my listings", the catalog;
every list answers in a fixed number of queries."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import Category, Listing, ProductModel
from marketplace.services import listing_lifecycle, listing_photos
from tests.factories import (
    PersonFactory,
    befriend,
    category,
    make_listing,
    not_a_picture,
    picture,
    product,
    with_home,
)

_growers = itertools.count()


def _form(**overrides) -> dict:
    data = {
        "title": "Fujifilm X-T3 body",
        "description": "Shutter count 12,000.",
        "category": category("cameras").pk,
        "product_model": product("fujifilm-x-t3").pk,
        "condition": "like_new",
        "price": "780",
        "currency": "EUR",
        "place": "Lyon, France",
        "audience": "friends",
        "nearby_radius_km": "10",
        "pickup": "on",
    }
    data.update(overrides)
    return data


# --- Pages ----------------------------------------------------------------------------------


def test_a_seller_publishes_a_listing_with_photos_from_the_form(owner, client_for):
    client = client_for(owner)
    assert client.get("/market/listings/new/").status_code == 200
    response = client.post(
        "/market/listings/new/",
        _form(photos=[picture("a.jpg"), picture("b.jpg")], publish="1"),
    )
    listing = Listing.objects.get(seller=owner)
    assert response.status_code == 302
    assert response["Location"] == f"/market/listings/{listing.pk}/"
    assert listing.status == "active"
    assert listing.brand.name == "Fujifilm"
    assert listing.photos.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Fujifilm X-T3 body" in page
    assert "€780" in page
    assert "Like new" in page
    assert listing.photos.first().thumbnail.url in page


def test_the_place_is_a_towns_name_which_gives_the_listing_its_point(owner, client_for):
    client_for(owner).post("/market/listings/new/", _form(place="villeurbanne", publish="1"))
    listing = Listing.objects.get(seller=owner)
    assert (listing.place, listing.latitude, listing.longitude) == (
        "Villeurbanne, France",
        Decimal("45.77"),
        Decimal("4.88"),
    )


def test_an_unknown_town_is_refused_on_the_place_field_and_nothing_is_saved(owner, client_for):
    response = client_for(owner).post("/market/listings/new/", _form(place="Xyzzy"))
    assert response.status_code == 400
    assert response.context["form"].errors["place"] == [
        "We don't know a town called “Xyzzy”. Try a nearby town's name."
    ]
    assert not Listing.objects.filter(seller=owner).exists()


def test_the_form_offers_the_sellers_home_town_and_no_coordinate_inputs(owner, client_for):
    with_home(owner, ("45.75", "4.85"), place="Lyon, France")
    page = client_for(owner).get("/market/listings/new/").content.decode()
    assert 'value="Lyon, France"' in page and "Use my location" in page
    assert 'name="latitude"' not in page and 'name="longitude"' not in page


def test_editing_with_the_place_unchanged_keeps_its_point(owner, client_for):
    listing = make_listing(owner, place="Croix-Rousse", latitude="45.77412", longitude="4.8321")
    fields = _form(title="Trek Marlin 7, size L", place="Croix-Rousse")
    fields["category"] = listing.category_id
    fields.pop("product_model")
    response = client_for(owner).post(f"/market/listings/{listing.pk}/edit/", fields)
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.title, listing.latitude) == ("Trek Marlin 7, size L", Decimal("45.77412"))


def test_editing_the_place_to_another_town_moves_the_listing_there(owner, client_for):
    listing = make_listing(owner, place="Croix-Rousse", latitude="45.77412", longitude="4.8321")
    fields = _form(place="Oullins, France")
    fields["category"] = listing.category_id
    fields.pop("product_model")
    client_for(owner).post(f"/market/listings/{listing.pk}/edit/", fields)
    listing.refresh_from_db()
    assert (listing.place, listing.latitude, listing.longitude) == (
        "Oullins, France",
        Decimal("45.71"),
        Decimal("4.81"),
    )


def test_saving_as_draft_keeps_it_a_draft(owner, client_for):
    client_for(owner).post("/market/listings/new/", _form(draft="1"))
    assert Listing.objects.get(seller=owner).status == "draft"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price": "-20"}, "more than zero"),
        ({"price": "5000000"}, "at most 1,000,000"),
        ({"audience": "nearby", "nearby_radius_km": "0"}, "between 1 and 500 km"),
        ({"audience": "nearby", "nearby_radius_km": "50000"}, "between 1 and 500 km"),
        ({"photos": [not_a_picture()]}, "not a picture"),
        ({"photos": [picture(size=(20, 20)) for _ in range(11)]}, "at most 10 photos"),
        ({"category": "phones"}, "not in Phones"),
    ],
)
def test_a_bad_form_is_shown_again_with_the_reason_and_nothing_saved(
    owner, client_for, overrides, message
):
    if "category" in overrides:
        overrides["category"] = category(overrides["category"]).pk
    response = client_for(owner).post("/market/listings/new/", _form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Listing.objects.exists()


def test_the_seller_edits_from_the_page_and_others_get_404(owner, stranger, client_for):
    listing = make_listing(owner)
    response = client_for(owner).post(
        f"/market/listings/{listing.pk}/edit/",
        _form(title="Marlin 7 (M)", price="420", category=listing.category_id, product_model=""),
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.title, listing.price) == ("Marlin 7 (M)", Decimal("420.00"))
    other = client_for(stranger)
    assert other.get(f"/market/listings/{listing.pk}/edit/").status_code == 404
    assert other.post(f"/market/listings/{listing.pk}/edit/", _form()).status_code == 404
    listing.refresh_from_db()
    assert listing.title == "Marlin 7 (M)"


def test_photos_are_added_all_or_none_and_removed(owner, client_for):
    listing = make_listing(owner)
    client = client_for(owner)
    client.post(f"/market/listings/{listing.pk}/photos/", {"photos": [picture(), not_a_picture()]})
    assert listing.photos.count() == 0
    client.post(f"/market/listings/{listing.pk}/photos/", {"photos": [picture(), picture()]})
    assert listing.photos.count() == 2
    photo = listing.photos.first()
    client.post(f"/market/listings/{listing.pk}/photos/{photo.pk}/delete/")
    assert listing.photos.count() == 1


def test_the_listing_page_shows_the_place_distance_badge_and_status(graph, client_for):
    owner, friend = graph["owner"], graph["friend_a"]
    listing = make_listing(owner, place="Lyon, France", latitude="45.76404", longitude="4.83566")
    with_home(friend, ("45.80", "4.85"))
    page = client_for(friend).get(f"/market/listings/{listing.pk}/").content.decode()
    assert "Lyon, France" in page and "1st" in page and "about 4 km from your home" in page
    assert "Active" in page
    stranger_page = client_for(graph["stranger"]).get(f"/market/listings/{listing.pk}/")
    text = stranger_page.content.decode()
    assert "Lyon, France" in text
    # Coordinates are shown to nobody, friends included: the place is a town's name.
    assert "45.76" not in page + text


def test_my_listings_page_groups_by_state_and_acts_in_place(owner, client_for):
    draft = make_listing(owner, publish=False, title="Kallax shelf")
    make_listing(owner, title="Dedica coffee machine")
    client = client_for(owner)
    page = client.get("/market/listings/mine/").content.decode()
    assert page.index("Dedica coffee machine") < page.index("Kallax shelf")
    response = client.post(
        f"/market/listings/{draft.pk}/status/",
        {"action": "publish"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="my-listings"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "active"


def test_an_illegal_move_from_htmx_is_told_and_changes_nothing(owner, client_for):
    listing = make_listing(owner)
    Listing.objects.filter(pk=listing.pk).update(status="sold")
    response = client_for(owner).post(
        f"/market/listings/{listing.pk}/status/",
        {"action": "withdraw"},
        HTTP_HX_REQUEST="true",
    )
    assert "A sold listing can't be withdrawn." in response.headers["HX-Trigger"]
    listing.refresh_from_db()
    assert listing.status == "sold"


def test_an_empty_my_listings_says_what_to_do(owner, client_for):
    page = client_for(owner).get("/market/listings/mine/").content.decode()
    assert "put something up for sale" in page


# --- API ------------------------------------------------------------------------------------


def test_the_category_tree_and_catalog_lists(db, api_client_for):
    api = api_client_for(None)
    tree = api.get("/api/market/categories/").json()
    bikes = next(node for node in tree if node["slug"] == "bikes")
    assert bikes["topic"] == "bikes"
    assert {"mountain-bikes", "road-bikes", "kids-bikes"} <= {c["slug"] for c in bikes["children"]}
    bikes_id = Category.objects.get(slug="bikes").pk
    brands = {b["name"] for b in api.get(f"/api/market/brands/?category={bikes_id}").json()}
    assert {"Trek", "Brompton"} <= brands and "Apple" not in brands
    products = api.get(f"/api/market/products/?category={bikes_id}").json()
    assert "Marlin 7" in {p["name"] for p in products}
    assert all(p["brand"]["name"] != "Apple" for p in products)


def test_the_seeded_catalog_links_categories_to_topics(db):
    assert Category.objects.filter(parent__isnull=True).count() >= 8
    assert Category.objects.get(slug="strollers-prams").topic.slug == "strollers"
    assert ProductModel.objects.count() >= 40
    assert str(product("delonghi-dedica")) == "De'Longhi Dedica EC685"


def test_api_create_photo_publish_and_read(owner, stranger, api_client_for):
    api = api_client_for(owner)
    response = api.post("/api/market/listings/", _form(audience="public"), format="json")
    assert response.status_code == 201, response.json()
    listing_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    upload = api.post(
        f"/api/market/listings/{listing_id}/photos/", {"image": picture()}, format="multipart"
    )
    assert upload.status_code == 201
    assert upload.json()["thumbnail"].startswith("http://testserver/media/listings/")
    assert (
        api.post(
            f"/api/market/listings/{listing_id}/transitions/", {"action": "publish"}, format="json"
        ).json()["status"]
        == "active"
    )
    seen = api_client_for(stranger).get(f"/api/market/listings/{listing_id}/").json()
    assert seen["location"]["exact"] is False
    # The place is a town's name (given by name alone); its coordinates are the seller's alone.
    assert seen["location"]["place"] == "Lyon, France"
    assert seen["location"]["latitude"] is None and seen["location"]["longitude"] is None
    own = api.get(f"/api/market/listings/{listing_id}/").json()["location"]
    assert (own["latitude"], own["longitude"]) == ("45.75000", "4.85000")
    assert seen["audience"] is None
    assert len(seen["photos"]) == 1
    mine = api.get("/api/market/listings/mine/").json()
    assert [row["id"] for row in mine] == [listing_id]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"price": "-1"}, "price_too_low"),
        ({"price": "2000000"}, "price_too_high"),
        ({"audience": "nearby", "nearby_radius_km": 0}, "bad_radius"),
        ({"audience": "nearby", "nearby_radius_km": 50000}, "bad_radius"),
        ({"category": None}, "no_category"),
        ({"audience": "circles", "circle_ids": [2**63]}, "invalid"),
        ({"place": "Xyzzy"}, "unknown_place"),
        ({"latitude": "45.7"}, "no_coordinates"),
    ],
)
def test_api_bad_input_is_a_400_with_the_reason(owner, api_client_for, body, code):
    response = api_client_for(owner).post("/api/market/listings/", _form(**body), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not Listing.objects.exists()


def test_api_refuses_a_foreign_circle_an_eleventh_photo_and_an_illegal_move(
    owner, stranger, api_client_for
):
    from social.services.circles import circle_create

    theirs = circle_create(owner=stranger, name="Theirs")
    api = api_client_for(owner)
    response = api.post(
        "/api/market/listings/",
        _form(audience="circles", circle_ids=[theirs.pk]),
        format="json",
    )
    assert response.json()["error"]["code"] == "foreign_circle"
    listing = make_listing(owner, photos=[picture(size=(20, 20)) for _ in range(10)])
    eleventh = api.post(
        f"/api/market/listings/{listing.pk}/photos/", {"image": picture()}, format="multipart"
    )
    assert eleventh.status_code == 400
    assert "at most 10 photos" in eleventh.json()["error"]["message"]
    listing_lifecycle.listing_mark_reserved(listing)
    listing_lifecycle.listing_mark_sold(listing)
    refused = api.post(
        f"/api/market/listings/{listing.pk}/transitions/", {"action": "withdraw"}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "A sold listing can't be withdrawn."


def test_api_someone_elses_listing_cannot_be_changed(owner, stranger, api_client_for):
    listing = make_listing(owner)
    api = api_client_for(stranger)
    assert (
        api.patch(f"/api/market/listings/{listing.pk}/", {"price": "1"}, format="json").status_code
        == 404
    )
    assert (
        api.post(
            f"/api/market/listings/{listing.pk}/transitions/", {"action": "withdraw"}, format="json"
        ).status_code
        == 404
    )
    listing.refresh_from_db()
    assert (listing.price, listing.status) == (Decimal("450.00"), "active")


# --- Query counts ---------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(owner, listing, size: int) -> None:
    for n in range(size):
        listing_photos.listing_photo_add(
            seller=owner, listing=listing, image=picture(size=(20, 20))
        )
        other = make_listing(owner, publish=n % 2 == 0, photos=[picture(size=(20, 20))])
        if n % 3 == 0:
            listing_lifecycle.listing_withdraw(seller=owner, listing=other)
        friend = PersonFactory.create(name=f"Grower {next(_growers)}")
        befriend(owner, friend)


@pytest.mark.parametrize(
    "url",
    [
        "/market/listings/{listing}/",
        "/market/listings/mine/",
        "/api/market/listings/{listing}/",
        "/api/market/listings/mine/",
        "/api/market/categories/",
        "/api/market/products/?category={category}",
    ],
)
def test_listing_pages_run_a_fixed_number_of_queries(owner, stranger, client_for, url):
    befriend(owner, stranger)
    listing = make_listing(owner, photos=[picture(size=(20, 20))])
    url = url.format(listing=listing.pk, category=category("bikes").pk)
    for viewer in (owner, stranger):
        client = client_for(viewer)
        small = _count(client, url)
        _grow(owner, listing, 3)
        bigger = _count(client, url)
        assert small == bigger, f"{url} as {viewer}: {small} then {bigger} queries"
