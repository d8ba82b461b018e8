"""Saved searches, the watchlist, and the notification of a new listing that matches."""

from __future__ import annotations

import pytest

from config.errors import Conflict, DomainError, NotFound
from marketplace.models import Listing, SavedSearch, Watch
from marketplace.selectors.search import saved_searches_of, watchlist_of
from marketplace.services.search import (
    MAX_SAVED_SEARCHES,
    on_listing_published,
    saved_search_create,
    saved_search_delete,
    saved_searches_notify,
    watch_add,
    watch_remove,
)
from social.models import Notification
from social.services.blocks import block_create
from tests.factories import AMSTERDAM, PARIS, PersonFactory, befriend, listing_for, with_home


@pytest.fixture
def seller(seller):
    """The cast's seller, at home in Amsterdam."""
    return with_home(seller)


@pytest.fixture
def buyer(buyer):
    """The cast's buyer, at home in Amsterdam."""
    return with_home(buyer)


def told(person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person, kind="saved_search").values_list(
            "text", flat=True
        )
    )


def publish(listing, capture) -> None:
    """What the listing service does on publish: the task runs after the commit."""
    with capture(execute=True):
        on_listing_published(listing)


# --- Saved searches --------------------------------------------------------------------------


def test_a_saved_search_is_kept_with_its_filters(tree, buyer):
    saved = saved_search_create(
        owner=buyer, query=" bike ", category=tree["bikes"].pk, max_price="300", radius_km=20
    )
    assert (saved.query, saved.category, str(saved.max_price), saved.radius_km) == (
        "bike",
        tree["bikes"],
        "300.00",
        20,
    )
    assert list(saved_searches_of(buyer)) == [saved]


@pytest.mark.parametrize(
    "params",
    [
        {"query": "bike", "radius_km": 0},
        {"query": "bike", "radius_km": 50_000},
        {"query": "bike", "max_price": "-5"},
        {"query": "bike", "category": 999_999},
        {"query": "x" * 121},
        {"query": "  "},
    ],
)
def test_a_bad_saved_search_is_refused_and_nothing_is_saved(tree, buyer, params):
    with pytest.raises(DomainError):
        saved_search_create(owner=buyer, **params)
    assert not SavedSearch.objects.exists()


def test_a_radius_needs_a_home(tree):
    homeless = PersonFactory.create(name="Hal Homeless")
    with pytest.raises(DomainError, match="home"):
        saved_search_create(owner=homeless, query="bike", radius_km=10)
    assert saved_search_create(owner=homeless, query="bike").radius_km is None


def test_the_same_search_twice_is_a_conflict(tree, buyer):
    saved_search_create(owner=buyer, query="bike", category=tree["bikes"].pk)
    with pytest.raises(Conflict):
        saved_search_create(owner=buyer, query="Bike", category=tree["bikes"].pk)
    assert SavedSearch.objects.count() == 1


def test_saved_searches_are_limited(tree, buyer):
    SavedSearch.objects.bulk_create(
        SavedSearch(owner=buyer, query=f"thing {n}") for n in range(MAX_SAVED_SEARCHES)
    )
    with pytest.raises(DomainError, match="delete one"):
        saved_search_create(owner=buyer, query="one more")


def test_only_the_owner_deletes_a_saved_search(tree, buyer, seller):
    saved = saved_search_create(owner=buyer, query="bike")
    with pytest.raises(NotFound):
        saved_search_delete(owner=seller, saved_search_id=saved.pk)
    saved_search_delete(owner=buyer, saved_search_id=saved.pk)
    assert not SavedSearch.objects.exists()


# --- Watchlist -------------------------------------------------------------------------------


def test_watching_a_listing_twice_keeps_one(tree, seller, buyer):
    listing = listing_for(seller, tree["bikes"])
    watch_add(user=buyer, listing_id=listing.pk)
    watch_add(user=buyer, listing_id=listing.pk)
    assert [w.listing for w in watchlist_of(buyer)] == [listing]
    watch_remove(user=buyer, listing_id=listing.pk)
    assert watchlist_of(buyer) == []
    with pytest.raises(NotFound):
        watch_remove(user=buyer, listing_id=listing.pk)


def test_only_listings_one_can_see_can_be_watched(tree, seller, buyer):
    friends_only = listing_for(seller, tree["bikes"], audience="friends")
    hidden = listing_for(seller, tree["bikes"], hidden=True)
    sold = listing_for(seller, tree["bikes"], status=Listing.Status.SOLD)
    for listing in (friends_only, hidden):
        with pytest.raises(NotFound):
            watch_add(user=buyer, listing_id=listing.pk)
    with pytest.raises(DomainError, match="no longer"):
        watch_add(user=buyer, listing_id=sold.pk)
    with pytest.raises(DomainError, match="own"):
        watch_add(user=seller, listing_id=listing_for(seller, tree["bikes"]).pk)
    assert not Watch.objects.exists()


def test_a_block_takes_a_listing_off_the_watchlist_view(tree, seller, buyer):
    listing = listing_for(seller, tree["bikes"])
    watch_add(user=buyer, listing_id=listing.pk)
    block_create(blocker=seller, blocked=buyer)
    assert watchlist_of(buyer) == []


def test_the_watchlist_shows_the_distance_from_home(tree, seller, buyer):
    watch_add(user=buyer, listing_id=listing_for(seller, tree["bikes"], at=PARIS).pk)
    [watch] = watchlist_of(buyer)
    assert 400 < watch.listing.distance_km < 460


# --- Notifications ---------------------------------------------------------------------------


def test_a_matching_new_listing_notifies_the_owner_after_commit(
    tree, seller, buyer, django_capture_on_commit_callbacks
):
    saved_search_create(owner=buyer, query="mountain bike", category=tree["bikes"].pk)
    listing = listing_for(seller, tree["mountain"], title="Trek mountain bike")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        on_listing_published(listing)
    assert told(buyer) == []  # nothing before the commit
    assert len(callbacks) == 1

    publish(listing, django_capture_on_commit_callbacks)
    assert told(buyer) == ["New for your search “mountain bike”: Trek mountain bike"]


def test_each_rule_of_the_saved_search_applies(
    tree, seller, buyer, django_capture_on_commit_callbacks
):
    people = {
        name: with_home(PersonFactory.create(name=f"Saver {name}"), at=at)
        for name, at in [
            ("words", AMSTERDAM),
            ("other_words", AMSTERDAM),
            ("subtree", AMSTERDAM),
            ("other_category", AMSTERDAM),
            ("price_ok", AMSTERDAM),
            ("too_cheap", AMSTERDAM),
            ("near", AMSTERDAM),
            ("far", PARIS),
        ]
    }
    saved_search_create(owner=people["words"], query="trek")
    saved_search_create(owner=people["other_words"], query="sofa")
    saved_search_create(owner=people["subtree"], category=tree["bikes"].pk)
    saved_search_create(owner=people["other_category"], category=tree["road"].pk)
    saved_search_create(owner=people["price_ok"], query="bike", max_price="250")
    saved_search_create(owner=people["too_cheap"], query="bike", max_price="249.99")
    saved_search_create(owner=people["near"], query="bike", radius_km=5)
    saved_search_create(owner=people["far"], query="bike", radius_km=100)
    listing = listing_for(seller, tree["mountain"], title="Trek bike", price="250")

    publish(listing, django_capture_on_commit_callbacks)

    notified = {name for name, person in people.items() if told(person)}
    assert notified == {"words", "subtree", "price_ok", "near"}


def test_no_notice_to_the_seller_the_blocked_or_those_outside_the_audience(
    tree, seller, buyer, django_capture_on_commit_callbacks
):
    friend = with_home(PersonFactory.create(name="Fay Friend"))
    befriend(seller, friend)
    blocked = with_home(PersonFactory.create(name="Bo Blocked"))
    block_create(blocker=blocked, blocked=seller)
    for person in (seller, buyer, friend, blocked):
        saved_search_create(owner=person, query="bike")
    listing = listing_for(seller, tree["bikes"], title="Bike", audience="friends")

    publish(listing, django_capture_on_commit_callbacks)

    assert [bool(told(p)) for p in (seller, buyer, friend, blocked)] == [False, False, True, False]


def test_one_notice_per_owner_and_listing_even_when_run_again(
    tree, seller, buyer, django_capture_on_commit_callbacks
):
    saved_search_create(owner=buyer, query="bike")
    saved_search_create(owner=buyer, category=tree["bikes"].pk)
    listing = listing_for(seller, tree["bikes"], title="Bike")

    publish(listing, django_capture_on_commit_callbacks)
    assert saved_searches_notify(listing_id=listing.pk) == 0
    assert len(told(buyer)) == 1


def test_a_listing_that_is_not_live_notifies_nobody(tree, seller, buyer):
    saved_search_create(owner=buyer, query="bike")
    draft = listing_for(seller, tree["bikes"], title="Bike", status=Listing.Status.DRAFT)
    hidden = listing_for(seller, tree["bikes"], title="Bike", hidden=True)
    assert saved_searches_notify(listing_id=draft.pk) == 0
    assert saved_searches_notify(listing_id=hidden.pk) == 0
    assert told(buyer) == []


def test_publishing_a_listing_tells_matching_saved_searches(
    tree, seller, buyer, django_capture_on_commit_callbacks
):
    from marketplace.services.listing_lifecycle import listing_publish

    saved_search_create(owner=buyer, query="bike")
    draft = listing_for(seller, tree["bikes"], title="Fresh bike", status=Listing.Status.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        listing_publish(seller=seller, listing=draft)

    assert told(buyer) == ["New for your search “bike”: Fresh bike"]
