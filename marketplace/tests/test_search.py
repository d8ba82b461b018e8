"""Search: full-text ranking, filters, radius, sorts, pages, bad input, blocks, the word match."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.errors import DomainError
from marketplace.geo import DistanceKm, distance_km
from marketplace.models import Listing
from marketplace.selectors import search as search_selectors
from marketplace.selectors.search import search_listings
from social.services.blocks import block_create
from tests.factories import AMSTERDAM, PARIS, UTRECHT, PersonFactory, listing_for, with_home


def titles(page) -> list[str]:
    return [listing.title for listing in page.results]


@pytest.fixture
def buyer(buyer):
    """The cast's buyer, at home in Amsterdam."""
    return with_home(buyer)


def test_a_title_match_ranks_above_a_description_match(tree, seller, buyer):
    listing_for(seller, tree["home"], title="Oak table", description="Comes with a lamp")
    listing_for(seller, tree["home"], title="Brass lamp", description="Warm light")
    listing_for(seller, tree["home"], title="Chair", description="Blue")

    assert titles(search_listings(buyer, "lamp")) == ["Brass lamp", "Oak table"]


def test_every_word_must_match(tree, seller, buyer):
    listing_for(seller, tree["bikes"], title="Red bike", description="Fast")
    listing_for(seller, tree["bikes"], title="Blue bike", description="Slow")

    assert titles(search_listings(buyer, "bike fast")) == ["Red bike"]


def test_a_category_includes_its_subcategories(tree, seller, buyer):
    listing_for(seller, tree["mountain"], title="Mountain bike")
    listing_for(seller, tree["road"], title="Road bike")
    listing_for(seller, tree["home"], title="Bike rack")

    found = set(titles(search_listings(buyer, "bike", category=tree["bikes"].pk)))
    assert found == {"Mountain bike", "Road bike"}
    assert titles(search_listings(buyer, "bike", category=tree["road"].pk)) == ["Road bike"]
    assert titles(search_listings(buyer, "bike", category="t-home")) == ["Bike rack"]


def test_price_and_condition_filters(tree, seller, buyer):
    listing_for(seller, tree["bikes"], title="Cheap", price="50", condition="fair")
    listing_for(seller, tree["bikes"], title="Middle", price="150", condition="good")
    listing_for(seller, tree["bikes"], title="Dear", price="900", condition="new")

    assert titles(search_listings(buyer, min_price="100", max_price="200")) == ["Middle"]
    assert set(titles(search_listings(buyer, conditions=["new", "fair"]))) == {"Cheap", "Dear"}
    assert titles(search_listings(buyer, max_price="150", sort="price_asc")) == [
        "Cheap",
        "Middle",
    ]


def test_a_category_within_a_radius_is_checked_on_the_listings_in_the_box(tree, seller, buyer):
    listing_for(seller, tree["mountain"], title="Mountain bike here", at=AMSTERDAM)
    listing_for(seller, tree["home"], title="Bike rack here", at=AMSTERDAM)
    listing_for(seller, tree["road"], title="Road bike in Paris", at=PARIS)
    with CaptureQueriesContext(connection) as captured:
        found = titles(search_listings(buyer, "bike", category=tree["bikes"].pk, radius_km=25))
    assert found == ["Mountain bike here"]
    page = next(q["sql"] for q in captured if "marketplace_listing" in q["sql"].split("FROM")[1])
    if connection.vendor == "postgresql":
        assert '("marketplace_listing"."category_id" + 0) = ANY(' in page
    everywhere = titles(search_listings(buyer, "bike", category=tree["bikes"].pk))
    assert set(everywhere) == {"Mountain bike here", "Road bike in Paris"}


def test_radius_keeps_listings_around_the_home_by_default(tree, seller, buyer):
    listing_for(seller, tree["bikes"], title="Here", at=AMSTERDAM)
    listing_for(seller, tree["bikes"], title="Utrecht", at=UTRECHT)
    listing_for(seller, tree["bikes"], title="Paris", at=PARIS)

    assert titles(search_listings(buyer, radius_km=10)) == ["Here"]
    assert set(titles(search_listings(buyer, radius_km=100))) == {"Here", "Utrecht"}
    assert titles(search_listings(buyer, radius_km=10, near=PARIS)) == ["Paris"]
    assert titles(search_listings(buyer, radius_km=50, near="48.86,2.35")) == ["Paris"]


def test_distance_is_measured_from_the_public_coordinates(tree, seller, buyer):
    exact = (52.37449, 4.90449)  # rounds to 52.37, 4.90: the buyer's home
    listing_for(seller, tree["bikes"], title="Close", at=exact)

    [listing] = search_listings(buyer, radius_km=1).results
    assert listing.distance_km == pytest.approx(0, abs=0.01)


def test_sorts(tree, seller, buyer):
    listing_for(seller, tree["bikes"], title="Far new", at=PARIS, price="300", age_days=0)
    listing_for(seller, tree["bikes"], title="Near old", at=AMSTERDAM, price="200", age_days=5)
    listing_for(seller, tree["bikes"], title="Mid mid", at=UTRECHT, price="100", age_days=2)

    assert titles(search_listings(buyer, sort="distance")) == ["Near old", "Mid mid", "Far new"]
    assert titles(search_listings(buyer, sort="newest")) == ["Far new", "Mid mid", "Near old"]
    assert titles(search_listings(buyer, sort="price_asc")) == ["Mid mid", "Near old", "Far new"]
    assert titles(search_listings(buyer, sort="price_desc")) == ["Far new", "Near old", "Mid mid"]
    distances = [round(x.distance_km) for x in search_listings(buyer, sort="distance").results]
    assert distances[0] == 0 and 30 < distances[1] < 50 and 400 < distances[2] < 460


@pytest.mark.parametrize("radius_km", [None, 50, 15])
def test_nearest_first_pages_are_those_of_the_whole_search_whichever_circle_holds_them(
    tree, seller, buyer, radius_km
):
    """Nearest first looks in circles of 5 and 20 km before the whole radius: each page must be
    exactly the page of the whole search, in order (ties by newest), however the listings
    straddle the circles."""
    north = [0.5, 2, 2, 4.9, 6, 12, 19, 21, 30, 45, 49, 80]  # km north of the buyer's home
    for n, km in enumerate(north):
        at = (AMSTERDAM[0] + km / 111.2, AMSTERDAM[1])
        listing_for(seller, tree["bikes"], title=f"{km} km #{n}", at=at, age_days=n)

    def public_km(row) -> float:
        return distance_km(*AMSTERDAM, round(row.latitude, 2), round(row.longitude, 2))

    whole = sorted(
        Listing.objects.all(),
        key=lambda row: (public_km(row), -row.published_at.timestamp(), -row.pk),
    )
    expected = [row.title for row in whole if radius_km is None or public_km(row) <= radius_km]
    pages = []
    for size in (1, 3, 5):
        shown, number = [], 1
        while True:
            page = search_listings(
                buyer, sort="distance", radius_km=radius_km, page=number, page_size=size
            )
            shown += titles(page)
            if not page.has_next:
                break
            number += 1
        pages.append(shown)
    assert pages == [expected] * 3


def test_pages_do_not_overlap_and_say_when_there_is_more(tree, seller, buyer):
    for age in range(5):
        listing_for(seller, tree["bikes"], title=f"Bike {age}", age_days=age)

    first = search_listings(buyer, "bike", sort="newest", page=1, page_size=2)
    second = search_listings(buyer, "bike", sort="newest", page=2, page_size=2)
    third = search_listings(buyer, "bike", sort="newest", page=3, page_size=2)
    assert titles(first) == ["Bike 0", "Bike 1"] and first.has_next and not first.has_previous
    assert titles(second) == ["Bike 2", "Bike 3"] and second.has_next and second.has_previous
    assert titles(third) == ["Bike 4"] and not third.has_next


def test_only_live_visible_unhidden_listings_come_back(tree, seller, buyer):
    listing_for(seller, tree["bikes"], title="Bike active")
    listing_for(seller, tree["bikes"], title="Bike reserved", status=Listing.Status.RESERVED)
    listing_for(seller, tree["bikes"], title="Bike draft", status=Listing.Status.DRAFT)
    listing_for(seller, tree["bikes"], title="Bike sold", status=Listing.Status.SOLD)
    listing_for(seller, tree["bikes"], title="Bike hidden", hidden=True)
    listing_for(seller, tree["bikes"], title="Bike friends", audience="friends")

    assert set(titles(search_listings(buyer, "bike"))) == {"Bike active", "Bike reserved"}


def test_blocked_sellers_listings_never_appear_either_way(tree, seller, buyer):
    other = PersonFactory.create(name="Olga Other")
    listing_for(seller, tree["bikes"], title="Bike of the blocker")
    listing_for(other, tree["bikes"], title="Bike of the blocked")
    block_create(blocker=seller, blocked=buyer)
    block_create(blocker=buyer, blocked=other)

    assert titles(search_listings(buyer, "bike")) == []
    assert titles(search_listings(buyer)) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"radius_km": 0}, "radius_km"),
        ({"radius_km": 50_000}, "radius_km"),
        ({"radius_km": "ten"}, "radius_km"),
        ({"min_price": "200", "max_price": "100"}, "min_price"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "1e9"}, "max_price"),
        ({"max_price": "NaN"}, "max_price"),
        ({"category": 999_999}, "category"),
        ({"category": "no-such-slug"}, "category"),
        ({"sort": "cheapest"}, "sort"),
        ({"conditions": ["mint"]}, "conditions"),
        ({"near": "north"}, "near"),
        ({"near": (91, 0)}, "near"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"q": "x" * 121}, "q"),
    ],
)
def test_bad_input_is_a_domain_error_naming_the_field(tree, buyer, params, field):
    with pytest.raises(DomainError) as refused:
        search_listings(buyer, **params)
    assert refused.value.field == field
    assert refused.value.status == 400


def test_a_radius_without_a_point_or_home_is_refused(tree):
    homeless = PersonFactory.create(name="Hal Homeless")
    with pytest.raises(DomainError, match="set your home"):
        search_listings(homeless, radius_km=10)
    with pytest.raises(DomainError, match="set your home"):
        search_listings(homeless, sort="distance")


def test_without_a_point_there_is_no_distance(tree, seller):
    homeless = PersonFactory.create(name="Hal Homeless")
    listing_for(seller, tree["bikes"], title="Bike")
    [listing] = search_listings(homeless, "bike").results
    assert listing.distance_km is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL FTS")
def test_the_word_match_finds_what_full_text_finds_for_simple_words(
    tree, seller, buyer, monkeypatch
):
    listing_for(seller, tree["bikes"], title="Trek mountain bike", description="Red frame")
    listing_for(seller, tree["bikes"], title="Road bike", description="Carbon frame, red")
    listing_for(seller, tree["home"], title="Oak table", description="Solid oak")
    listing_for(seller, tree["home"], title="Lamp", description="Red shade, bike light too")
    queries = ["bike", "red", "oak", "frame", "red bike", "carbon", "table", "nothing"]

    def found(q):
        return titles(search_listings(buyer, q))

    fulltext = {q: found(q) for q in queries}
    monkeypatch.setattr(search_selectors, "text_matcher", lambda: search_selectors.match_words)
    words = {q: found(q) for q in queries}

    assert {q: set(t) for q, t in words.items()} == {q: set(t) for q, t in fulltext.items()}
    assert fulltext["bike"][-1] == words["bike"][-1] == "Lamp"  # description match ranks last
    assert fulltext["nothing"] == [] and len(fulltext["bike"]) == 3


def test_the_distance_in_sql_is_the_haversine_of_python(tree, seller):
    for at in (AMSTERDAM, UTRECHT, PARIS, (-33.86785, 151.20732)):
        listing_for(seller, tree["bikes"], title=str(at), at=at)
    rows = Listing.objects.annotate(
        exact=DistanceKm(*UTRECHT), public=DistanceKm(*UTRECHT, rounded=True)
    )
    for row in rows:
        lat, lng = row.latitude, row.longitude
        assert row.exact == pytest.approx(distance_km(*UTRECHT, lat, lng), rel=1e-9)
        assert row.public == pytest.approx(
            distance_km(*UTRECHT, round(lat, 2), round(lng, 2)), rel=1e-9
        )


def test_nearest_first_compiles_its_query_once_for_every_circle_and_category(
    tree, seller, buyer, monkeypatch
):
    """The circles of one search, and later searches of the same viewer from the same place with
    the same filters, share one compiled query (`querycache.prepared.Prepared`, PostgreSQL); the
    categories and the radius are its parameters, and each search still finds its own rows."""
    from querycache.prepared import Prepared

    search_selectors._nearest_queries.clear()
    compiled = []
    compile_ = Prepared._compile
    monkeypatch.setattr(Prepared, "_compile", lambda self: (compiled.append(1), compile_(self)))
    for km in (1, 8, 30):  # one in each circle: the page of 3 needs all three tries
        at = (AMSTERDAM[0] + km / 111.2, AMSTERDAM[1])
        listing_for(seller, tree["mountain"], title=f"Mountain {km}", at=at)
        listing_for(seller, tree["home"], title=f"Sofa {km}", at=at)
    with CaptureQueriesContext(connection) as queries:
        bikes = search_listings(buyer, category="t-bikes", sort="distance", page_size=2)
    assert titles(bikes) == ["Mountain 1", "Mountain 8"]
    assert sum('"marketplace_listing"."id", (' in q["sql"] for q in queries) <= 3
    assert titles(search_listings(buyer, category="t-home", sort="distance", page_size=2)) == [
        "Sofa 1",
        "Sofa 8",
    ]
    assert titles(search_listings(buyer, category="t-road", sort="distance", page_size=2)) == []
    postgresql = connection.vendor == "postgresql"
    # One for the circles of 5 and 20 km, one for the whole (no radius: everywhere).
    assert len(compiled) == (2 if postgresql else 0)


def test_a_viewer_who_moved_no_longer_sees_what_is_shown_only_nearby(tree, seller, buyer):
    """The audience "nearby" is decided from the viewer's home, which the compiled query holds:
    a new home is a new query."""
    listing_for(seller, tree["bikes"], title="Only for neighbours", audience="nearby")
    listing_for(seller, tree["bikes"], title="For members", audience="members", age_days=1)
    search = {"sort": "distance", "near": f"{AMSTERDAM[0]},{AMSTERDAM[1]}"}
    assert titles(search_listings(buyer, **search)) == ["Only for neighbours", "For members"]
    with_home(buyer, PARIS)
    assert titles(search_listings(buyer, **search)) == ["For members"]
    with_home(buyer, AMSTERDAM)
    assert titles(search_listings(buyer, **search)) == ["Only for neighbours", "For members"]


def test_a_listing_hidden_or_sold_after_a_search_is_gone_from_the_next(tree, seller, buyer):
    first = listing_for(seller, tree["bikes"], title="First")
    second = listing_for(seller, tree["bikes"], title="Second", age_days=1)
    listing_for(seller, tree["bikes"], title="Third", age_days=2)
    assert titles(search_listings(buyer, sort="distance")) == ["First", "Second", "Third"]
    Listing.objects.filter(pk=first.pk).update(hidden=True)
    Listing.objects.filter(pk=second.pk).update(status=Listing.Status.SOLD)
    assert titles(search_listings(buyer, sort="distance")) == ["Third"]
