"""Who sees a listing, and where: the audience policy plus "nearby", blocks, states, and the
exact place for the seller's friends only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.models import Listing
from marketplace.selectors import listings as selectors
from social.services.blocks import block_create
from tests.factories import PersonFactory, make_listing, with_home

# The listing is in Lyon (45.76, 4.835); homes are rounded to 0.01° by the profile.
NEAR_HOME = (Decimal("45.80"), Decimal("4.85"))  # about 5 km
FAR_HOME = (Decimal("45.19"), Decimal("5.72"))  # Grenoble, about 95 km


def _sees(viewer, listing) -> bool:
    return selectors.listing_for(viewer, listing.pk) is not None


@pytest.mark.parametrize(
    ("audience", "seen_by"),
    [
        ("public", {"owner", "friend_a", "friend_b", "fof", "stranger", "anonymous"}),
        ("members", {"owner", "friend_a", "friend_b", "fof", "stranger"}),
        ("fof", {"owner", "friend_a", "friend_b", "fof"}),
        ("friends", {"owner", "friend_a", "friend_b"}),
        ("circles", {"owner", "friend_a"}),
        ("only_me", {"owner"}),
    ],
)
def test_a_listing_is_seen_by_its_audience_and_never_by_a_blocked_pair(graph, audience, seen_by):
    circles = [graph["circle_a"].pk] if audience == "circles" else []
    listing = make_listing(graph["owner"], audience=audience, circle_ids=circles)
    viewers = {name: graph[name] for name in ("owner", "friend_a", "friend_b", "fof", "stranger")}
    viewers |= {"anonymous": AnonymousUser(), "blocked": graph["blocked"]}
    assert {name for name, viewer in viewers.items() if _sees(viewer, listing)} == seen_by


def test_nearby_is_anyone_signed_in_whose_home_is_within_the_radius(owner):
    listing = make_listing(owner, audience="nearby", nearby_radius_km=20)
    near = with_home(PersonFactory.create(name="Nina Near"), NEAR_HOME, place="Home")
    far = with_home(PersonFactory.create(name="Fabien Far"), FAR_HOME, place="Home")
    homeless = PersonFactory.create(name="Hugo Nohome")
    assert _sees(near, listing)
    assert not _sees(far, listing)
    assert not _sees(homeless, listing)
    assert not _sees(AnonymousUser(), listing)
    Listing.objects.filter(pk=listing.pk).update(nearby_radius_km=150)
    assert _sees(far, listing)


def test_a_block_either_way_hides_listings_even_nearby_and_public(owner):
    neighbour = with_home(PersonFactory.create(name="Nina Near"), NEAR_HOME, place="Home")
    public = make_listing(owner, audience="public")
    nearby = make_listing(owner, audience="nearby", nearby_radius_km=20)
    theirs = make_listing(neighbour, audience="public")
    block_create(blocker=neighbour, blocked=owner)
    assert not _sees(neighbour, public) and not _sees(neighbour, nearby)
    assert not _sees(owner, theirs)
    assert list(selectors.listings_visible_to(neighbour)) == [theirs]


@pytest.mark.parametrize("status", ["draft", "withdrawn", "expired"])
def test_a_listing_off_sale_is_seen_by_its_seller_alone(owner, stranger, status):
    listing = make_listing(owner)
    Listing.objects.filter(pk=listing.pk).update(status=status)
    assert _sees(owner, listing)
    assert not _sees(stranger, listing)


@pytest.mark.parametrize("status", ["active", "reserved", "sold"])
def test_a_listing_on_sale_reserved_or_sold_is_seen_by_its_audience(owner, stranger, status):
    listing = make_listing(owner)
    Listing.objects.filter(pk=listing.pk).update(status=status)
    assert _sees(stranger, listing)


def test_a_hidden_listing_is_seen_by_its_seller_alone(owner, stranger):
    listing = make_listing(owner)
    Listing.objects.filter(pk=listing.pk).update(hidden=True)
    assert _sees(owner, listing)
    assert not _sees(stranger, listing)


def test_a_bad_id_finds_nothing(owner):
    assert selectors.listing_for(owner, "abc") is None
    assert selectors.listing_for(owner, 987654) is None


# --- Location -------------------------------------------------------------------------------


def test_the_exact_place_is_shown_to_the_seller_and_friends_only(graph):
    listing = make_listing(graph["owner"], latitude="45.76404", longitude="4.83566")
    exact = (Decimal("45.76404"), Decimal("4.83566"))
    for name in ("owner", "friend_a", "friend_b"):
        location = selectors.shown_location(listing, graph[name])
        assert (location.latitude, location.longitude, location.exact) == (*exact, True)
    for viewer in (graph["fof"], graph["stranger"], AnonymousUser()):
        location = selectors.shown_location(listing, viewer)
        assert not location.exact
        assert (location.latitude, location.longitude) == (
            listing.public_latitude,
            listing.public_longitude,
        )
        assert (location.latitude, location.longitude) != exact


def test_the_distance_is_from_the_viewers_home_when_known(owner, stranger):
    listing = make_listing(owner)
    page = selectors.listing_page(stranger, listing.pk)
    assert page.distance_km is None
    with_home(stranger, NEAR_HOME, place="Home")
    page = selectors.listing_page(stranger, listing.pk)
    assert 3 < page.distance_km < 7


def test_the_seller_gets_a_1st_or_2nd_badge(graph):
    listing = make_listing(graph["owner"])
    badges = {
        name: selectors.listing_page(graph[name], listing.pk).badge
        for name in ("owner", "friend_a", "fof", "stranger")
    }
    assert badges == {"owner": "", "friend_a": "1st", "fof": "2nd", "stranger": ""}


def test_my_listings_are_grouped_by_state_on_sale_first(owner, stranger):
    draft = make_listing(owner, publish=False)
    active = make_listing(owner)
    sold = make_listing(owner)
    Listing.objects.filter(pk=sold.pk).update(status="sold")
    make_listing(stranger)
    groups = selectors.listings_of_seller_by_state(owner)
    assert [(status.value, [x.pk for x in rows]) for status, rows in groups] == [
        ("active", [active.pk]),
        ("draft", [draft.pk]),
        ("sold", [sold.pk]),
    ]
