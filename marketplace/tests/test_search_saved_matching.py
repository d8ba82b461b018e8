"""A new listing is matched against every saved search in one query
(`marketplace.selectors.saved_search_matches`), with the answer a search per saved search gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import OuterRef, Q
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from marketplace.models import Category, Listing, SavedSearch
from marketplace.models.saved_searches import SavedSearchWord
from marketplace.search.vocabulary import query_terms, synonyms
from marketplace.selectors.saved_search_matches import (
    listing_to_match,
    saved_searches_matching,
    words_answered,
)
from marketplace.selectors.search import matching_listings
from marketplace.selectors.search_params import SearchCriteria, currency_of, home_of
from marketplace.services.search import (
    NewSavedSearch,
    saved_search_create,
    saved_search_delete,
    saved_searches_create,
    saved_searches_notify,
)
from social.audience import blocked_either_way
from social.models import Notification
from social.services.blocks import block_create
from social.services.circles import circle_create, circle_memberships_set
from tests.factories import (
    AMSTERDAM,
    PARIS,
    UTRECHT,
    PersonFactory,
    befriend,
    category,
    listing_for,
    with_home,
)

LONDON = (51.51, -0.13)
NORTH = (69.65, 18.96)  # Tromsø: far from everything, where a degree of longitude is short


@pytest.fixture
def seller(seller):
    """The cast's seller, at home in Amsterdam."""
    return with_home(seller)


def saver(name: str, at: tuple[float, float] | None = AMSTERDAM, **profile: str) -> User:
    """Someone who saves searches, at home at `at` (None: no home)."""
    someone = PersonFactory.create(name=name)
    if at is not None:
        with_home(someone, at, **profile)
    return someone


def without_home(someone: User) -> User:
    """`someone` after removing their home from their profile."""
    profile = someone.profile
    profile.home_latitude = profile.home_longitude = None
    profile.save()
    return someone


def matched(listing: Listing) -> set[str]:
    """The names of the owners the new listing's one query finds."""
    new = listing_to_match(listing.pk)
    assert new is not None
    return {saved.owner.profile.display_name for saved in saved_searches_matching(new)}


def one_search_each(listing: Listing) -> dict[int, int]:
    """Each owner's first matching saved search as a search per saved search finds it (how
    saved searches were checked before the one query): the search's candidates by category,
    price, owner and blocks, then `matching_listings` run as their owner, one by one."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    chain: list[int] = []
    current: int | None = listing.category_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    candidates = (
        SavedSearch.objects.filter(
            Q(category__isnull=True) | Q(category_id__in=chain),
            Q(max_price__isnull=True) | Q(max_price__gte=listing.price),
            owner__is_active=True,
        )
        .exclude(owner_id=listing.seller_id)
        .exclude(blocked_either_way(OuterRef("owner_id"), listing.seller_id))
        .select_related("owner__profile")
        .order_by("owner_id", "pk")
    )
    found: dict[int, int] = {}
    for saved in candidates:
        if saved.owner_id in found:
            continue
        home = home_of(saved.owner)
        if saved.radius_km is not None and home is None:
            continue
        criteria = SearchCriteria(
            q=saved.query,
            max_price=saved.max_price,
            point=home,
            radius_km=saved.radius_km,
            currency=currency_of(saved.owner),
        )
        if matching_listings(saved.owner, criteria).filter(pk=listing.pk).exists():
            found[saved.owner_id] = saved.pk
    return found


def in_one_query(listing: Listing) -> dict[int, int]:
    new = listing_to_match(listing.pk)
    assert new is not None
    return {saved.owner_id: saved.pk for saved in saved_searches_matching(new)}


# --- One query, whatever the number of saved searches ----------------------------------------

# What the savers of `many_savers` look for, in turn: each rule matching or not.
SEARCHES: list[dict[str, Any]] = [
    {"query": "trek"},  # in the title
    {"query": "sofa"},  # not there
    {"query": "velo"},  # a synonym of "bike"
    {"category": "bikes"},  # the category above the listing's
    {"category": "road"},  # a sibling
    {"query": "bike", "max_price": "250"},
    {"query": "bike", "max_price": "99"},
    {"query": "bike", "radius_km": 5},
    {"query": "bike", "radius_km": 300},
    {"query": "mountain", "category": "mountain"},
]
HOMES = [AMSTERDAM, UTRECHT, PARIS, LONDON]


def many_savers(seller: User, tree: dict[str, Category], count: int, start: int = 0) -> None:
    """`count` savers, each with one search from `SEARCHES` in turn, at one of `HOMES`, some
    friends of the seller, some blocked, some blocking them."""
    for n in range(start, start + count):
        owner = saver(f"Saver {n}", HOMES[n % len(HOMES)])
        if n % 3 == 0:
            befriend(seller, owner)
        if n % 7 == 3:
            block_create(blocker=seller, blocked=owner)
        if n % 11 == 4:
            block_create(blocker=owner, blocked=seller)
        search = dict(SEARCHES[n % len(SEARCHES)])
        if "category" in search:
            search["category"] = tree[search["category"]].pk
        saved_search_create(owner=owner, **search)


def test_one_query_matches_any_number_of_saved_searches(tree, seller, django_assert_num_queries):
    saved_search_create(owner=seller, query="bike")  # their own listing is no news to them
    counts = []
    for start, count in ((0, 3), (3, 27)):
        many_savers(seller, tree, count, start)
        listing = listing_for(
            seller, tree["mountain"], title="Trek bike", price="250", audience="friends"
        )
        new = listing_to_match(listing.pk)
        assert new is not None

        with django_assert_num_queries(1):
            found = saved_searches_matching(new)
        assert {saved.owner_id: saved.pk for saved in found} == one_search_each(listing)

        with CaptureQueriesContext(connection) as queries:
            assert saved_searches_notify(listing_id=listing.pk) == len(found) > 0
        counts.append(len(queries))

    assert SavedSearch.objects.count() == 31
    assert counts[0] == counts[1]


def test_the_one_query_finds_what_a_search_per_saved_search_found(tree, seller):
    """Every rule, audience and relation, for listings here and there: the same owners, each
    by the same saved search."""
    friend, fof, in_circle, neighbour = (
        saver("Friend"),
        saver("Friend of a friend", UTRECHT),
        saver("In the circle", PARIS),
        saver("Neighbour"),
    )
    befriend(seller, friend)
    befriend(seller, in_circle)
    befriend(friend, fof)
    circle = circle_create(owner=seller, name="Cyclists")
    circle_memberships_set(owner=seller, friend=in_circle, circle_ids=[circle.pk])
    homeless = saver("Homeless")
    londoner = saver("Londoner", LONDON, place="London, United Kingdom")
    northerner = saver("Northerner", NORTH)
    blocker = saver("Blocker")
    block_create(blocker=blocker, blocked=seller)
    gone = saver("Gone")
    people = [friend, fof, in_circle, neighbour, homeless, londoner, northerner, blocker, gone]
    wanted: list[dict[str, Any]] = [
        {"query": "bike"},
        {"query": "trek bikes"},
        {"query": "velos"},
        {"query": "mountain"},
        {"query": "vtt"},
        {"query": "!!!"},
        {"query": "the"},
        {"category": tree["bikes"].pk, "max_price": "250"},
        {"category": tree["road"].pk},
        {"query": "bike", "max_price": "99.99"},
        {"query": "sofa", "category": tree["home"].pk},
        {"query": "bike", "radius_km": 1},
        {"query": "bike", "radius_km": 45},
        {"query": "bike", "radius_km": 500},
    ]
    for index, person in enumerate(people):
        for offset in (0, 3, 7, 11):
            search = wanted[(index + offset) % len(wanted)]
            saved_searches_create(searches=[NewSavedSearch(person.pk, **search)])
    close_by = saver("Close by")
    saved_search_create(owner=close_by, query="bike", radius_km=1)
    saved_search_create(owner=saver("Far north", NORTH), query="bike")
    without_home(homeless)
    gone.is_active = False
    gone.save()

    listings = [
        listing_for(seller, tree["mountain"], title="Trek bike", price="250"),
        listing_for(seller, tree["mountain"], title="VTT", price="99.99", audience="friends"),
        listing_for(seller, tree["road"], title="Vélo de route", audience="fof", at=UTRECHT),
        listing_for(
            seller, tree["bikes"], title="Bike", audience="circles", circle_ids=[circle.pk]
        ),
        listing_for(seller, tree["bikes"], title="Bike", audience="only_me"),
        listing_for(seller, tree["bikes"], title="Bike", audience="nearby", nearby_radius_km=20),
        listing_for(
            seller, tree["bikes"], title="Bike", audience="nearby", nearby_radius_km=500, at=PARIS
        ),
        listing_for(seller, tree["home"], title="Sofa", price="90", currency="GBP", at=LONDON),
        listing_for(seller, tree["mountain"], title="Bike", at=(65.5, 18.96)),
        # Distances are to the public point, rounded as SQL rounds (52.37, 4.91: 0.7 km from
        # "Close by"), not to the exact one (1.0 km), nor rounded half to even (52.36, 4.90).
        listing_for(seller, tree["mountain"], title="Trek", at=(52.365, 4.905)),
        listing_for(seller, tree["bikes"], title="Bike", at=(52.37, 4.9149)),
        # 499.8 km due east of the northerners, but outside the box the search draws around
        # their home for 500 km, which is narrow where degrees of longitude are short.
        listing_for(seller, tree["bikes"], title="Bike", at=(69.65, 31.91)),
        listing_for(
            seller,
            tree["bikes"],
            title="Bike",
            audience="nearby",
            nearby_radius_km=500,
            at=(69.65, 31.91),
        ),
    ]
    found_some = set()
    for listing in listings:
        expected = one_search_each(listing)
        assert in_one_query(listing) == expected, listing.title
        found_some |= set(expected)
    assert len(found_some) > 5  # not a comparison of empty answers


# --- Each rule -------------------------------------------------------------------------------


def test_every_word_must_be_answered_in_some_form(tree, seller):
    for name, query in [
        ("title", "trek"),
        ("plural", "treks"),
        ("synonym", "velo"),
        ("category above", "bikes"),
        ("own category", "mountain"),
        ("two words", "trek bike"),
        ("one word missing", "trek sofa"),
        ("sibling category", "road"),
        ("punctuation", "!!!"),
    ]:
        saved_search_create(owner=saver(name), query=query)
    listing = listing_for(seller, tree["mountain"], title="Trek Marlin")

    assert matched(listing) == {
        "title",
        "plural",
        "synonym",
        "category above",
        "own category",
        "two words",
    }


def test_a_category_matches_listings_in_it_and_below(tree, seller):
    for name in ("bikes", "mountain", "road", "home"):
        saved_search_create(owner=saver(name), category=tree[name].pk)
    assert matched(listing_for(seller, tree["mountain"])) == {"bikes", "mountain"}
    assert matched(listing_for(seller, tree["bikes"])) == {"bikes"}


def test_a_maximum_price_holds_the_price_itself_in_the_owners_currency(tree, seller):
    saved_search_create(owner=saver("at the price"), query="bike", max_price="250")
    saved_search_create(owner=saver("one cent below"), query="bike", max_price="249.99")
    saved_search_create(
        owner=saver("in pounds", LONDON, place="London, United Kingdom"),
        query="bike",
        max_price="300",
    )
    saved_search_create(owner=saver("no maximum", LONDON), query="bike")

    assert matched(listing_for(seller, tree["bikes"], title="Bike", price="250")) == {
        "at the price",
        "no maximum",
    }


def test_a_radius_is_measured_from_the_owners_home(tree, seller):
    saved_search_create(owner=saver("next door"), query="bike", radius_km=5)
    saved_search_create(owner=saver("utrecht within 5 km", UTRECHT), query="bike", radius_km=5)
    saved_search_create(owner=saver("utrecht within 50 km", UTRECHT), query="bike", radius_km=50)
    saved_search_create(owner=saver("paris within 100 km", PARIS), query="bike", radius_km=100)
    moved_out = saver("moved out")
    saved_search_create(owner=moved_out, query="bike", radius_km=500)
    without_home(moved_out)
    saved_search_create(owner=saver("homeless anywhere", None), query="bike")

    listing = listing_for(seller, tree["bikes"], title="Bike", at=AMSTERDAM)

    assert matched(listing) == {"next door", "utrecht within 50 km", "homeless anywhere"}


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("public", {"friend", "in circle", "friend of a friend", "neighbour", "far stranger"}),
        ("members", {"friend", "in circle", "friend of a friend", "neighbour", "far stranger"}),
        ("fof", {"friend", "in circle", "friend of a friend"}),
        ("friends", {"friend", "in circle"}),
        ("circles", {"in circle"}),
        ("nearby", {"friend", "in circle", "friend of a friend", "neighbour"}),
        ("only_me", set()),
    ],
)
def test_the_listings_audience_decides_for_every_owner_at_once(tree, seller, audience, expected):
    friend, in_circle = saver("friend"), saver("in circle")
    fof, neighbour, far = saver("friend of a friend"), saver("neighbour"), saver("far stranger")
    with_home(far, PARIS)
    befriend(seller, friend)
    befriend(seller, in_circle)
    befriend(friend, fof)
    circle = circle_create(owner=seller, name="Cyclists")
    circle_memberships_set(owner=seller, friend=in_circle, circle_ids=[circle.pk])
    for person in (friend, in_circle, fof, neighbour, far):
        saved_search_create(owner=person, query="bike")
    extra = {"circle_ids": [circle.pk]} if audience == "circles" else {}
    if audience == "nearby":
        extra = {"nearby_radius_km": 30}

    listing = listing_for(seller, tree["bikes"], title="Bike", audience=audience, **extra)

    assert matched(listing) == expected


def test_nobody_hears_of_their_own_listing_across_a_block_or_once_gone(tree, seller):
    blocked, blocking, gone = saver("blocked"), saver("blocking"), saver("gone")
    block_create(blocker=seller, blocked=blocked)
    block_create(blocker=blocking, blocked=seller)
    for person in (seller, blocked, blocking, gone, saver("stranger")):
        saved_search_create(owner=person, query="bike")
    gone.is_active = False
    gone.save()

    assert matched(listing_for(seller, tree["bikes"], title="Bike")) == {"stranger"}


def test_each_owner_is_matched_once_by_their_first_matching_search(tree, seller):
    owner = saver("owner")
    saved_search_create(owner=owner, query="sofa")
    first = saved_search_create(owner=owner, category=tree["bikes"].pk)
    saved_search_create(owner=owner, query="bike")
    listing = listing_for(seller, tree["bikes"], title="Bike")

    assert in_one_query(listing) == {owner.pk: first.pk}


def test_owners_already_told_are_left_out(tree, seller):
    told, untold = saver("told"), saver("untold")
    for person in (told, untold):
        saved_search_create(owner=person, query="bike")
    new = listing_to_match(listing_for(seller, tree["bikes"], title="Bike").pk)
    assert new is not None

    found = saved_searches_matching(new, skip_owners=User.objects.filter(pk=told.pk).values("pk"))

    assert [saved.owner for saved in found] == [untold]


def test_a_listing_no_longer_shown_is_matched_by_nobody(tree, seller):
    saved_search_create(owner=saver("saver"), query="bike")
    hidden = listing_for(seller, tree["bikes"], title="Bike", hidden=True)
    sold = listing_for(seller, tree["bikes"], title="Bike", status=Listing.Status.SOLD)
    assert listing_to_match(hidden.pk) is None
    assert listing_to_match(sold.pk) is None
    seller.is_active = False
    seller.save()
    assert listing_to_match(listing_for(seller, tree["bikes"], title="Bike").pk) is None


def test_the_words_a_listing_answers_are_the_words_whose_terms_hold_it(db):
    """`words_answered` against `query_terms` for every word the synonyms and the catalog know,
    and the listing's own: a word is answered exactly when its term holds the listing."""
    mountain = category("mountain-bikes")
    chain = [mountain, mountain.parent]
    listing_words = ["trek", "marlin", "helmet", "velo"]
    known = set(synonyms().forms) | set(listing_words) | {"sofa", "road", "gravel"}
    for node in Category.objects.all():
        known |= {term.word for term in query_terms(node.name)}

    answered = words_answered(listing_words, [(node.slug, node.name) for node in chain])

    for word in sorted(known):
        terms = query_terms(word)
        holds = all(
            set(term.forms) & set(listing_words) or mountain.pk in term.category_ids
            for term in terms
        )
        assert holds == all(term.word in answered for term in terms), word
    assert {"bike", "vtt", "mountain", "velo", "trek"} <= answered
    assert not {"sofa", "road", "gravel"} & answered


# --- The words kept with each saved search ---------------------------------------------------


def test_a_saved_search_keeps_its_words_as_the_search_compares_them(tree):
    owner = saver("owner")
    saved = saved_search_create(owner=owner, query="Vélos de la Trek")
    [bulk] = saved_searches_create(searches=[NewSavedSearch(owner.pk, "the")])
    by_category = saved_search_create(owner=owner, category=tree["bikes"].pk)

    assert sorted(saved.words.values_list("word", flat=True)) == ["trek", "velo"]
    assert list(bulk.words.values_list("word", flat=True)) == ["the"]
    assert not by_category.words.exists()
    saved_search_delete(owner=owner, saved_search_id=saved.pk)
    assert SavedSearchWord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_migration_0014_writes_the_words_of_searches_saved_before():
    owner = PersonFactory.create(name="Old Saver")
    before = [("marketplace", "0013_listing_search_words")]
    after = [("marketplace", "0014_saved_search_words")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        saved = old.get_model("marketplace", "SavedSearch").objects.create(
            owner_id=owner.pk, query="Mountain bikes & vélos"
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)

        new = executor.loader.project_state(after).apps
        words = new.get_model("marketplace", "SavedSearchWord").objects.filter(search_id=saved.pk)
        assert sorted(words.values_list("word", flat=True)) == ["bike", "mountain", "velo"]
    finally:  # the rest of the suite runs on the latest schema
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_notice_names_the_first_matching_search_and_the_listing(tree, seller):
    owner = saver("owner")
    saved_search_create(owner=owner, category=tree["bikes"].pk)
    saved_search_create(owner=owner, query="trek")
    listing = listing_for(seller, tree["mountain"], title="Trek")

    assert saved_searches_notify(listing_id=listing.pk) == 1
    assert list(Notification.objects.values_list("recipient", "about", "text")) == [
        (owner.pk, seller.pk, "New for your search “Bikes”: Trek")
    ]
