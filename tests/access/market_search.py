"""Access-matrix rows for the marketplace search routes (helpers: tests/access/engine.py).

Search, saved searches and the watchlist are about the person asking: everyone searches (a
visitor not signed in too, read-only); everyone signed in keeps their own saved searches and
watchlist, and touches nobody else's. Rows that need a listing, a saved search or a watch plant
it while their address is built (`planted`); it is rolled back with the row. The owner's
listing is for members: everyone signed in sees it but the person who blocked the owner, and
the owner cannot watch their own. Which listings a search shows is tested in
marketplace/tests/test_search*.py (the cast's markers are posts).
"""

from __future__ import annotations

from django.urls import reverse

from marketplace.models import Listing, SavedSearch, Watch
from marketplace.services.search import saved_search_create, watch_add
from tests.access.engine import API_ANON, LOGIN, SIGNED_IN, SIGNED_IN_API, all_but, api, page, per
from tests.factories import AMSTERDAM, listing_for, make_category

EVERYONE_SIGNED_IN = " ".join(all_but("anonymous"))
# friend_a already watches the listing: adding it again changes nothing.
NEW_WATCHERS = " ".join(all_but("anonymous", "owner", "blocked", "friend_a"))


def _owner_listing(c) -> Listing:
    return listing_for(
        c["owner"],
        make_category("Things"),
        title="A bike for members",
        place="Amsterdam",
        at=AMSTERDAM,
    )


def planted(build_url):
    """The row's address, after planting the owner's listing (`c["listing"]`), the owner's saved
    search (`c["saved"]`) and friend_a watching the listing."""

    def url(c):
        c["listing"] = _owner_listing(c)
        c["saved"] = saved_search_create(owner=c["owner"], query="bike")
        watch_add(user=c["friend_a"], listing_id=c["listing"].pk)
        return build_url(c)

    return url


def saved_searches(c):
    return set(SavedSearch.objects.values_list("owner_id", "query"))


def watches(c):
    return set(Watch.objects.values_list("user_id", "listing_id"))


ROWS: list = [
    # Pages.
    # Visitors search too, read-only: which listings each viewer finds (public ones for a
    # visitor) is tested in marketplace/tests/test_search_pages.py.
    page("market/search/", planted(lambda c: reverse("marketplace:search")), per(200)),
    page(
        "market/search/",
        lambda c: reverse("marketplace:search") + "?q=bikes&max_price=1%20200&currency=GBP",
        per(200),
        label="words, a price typed with a space, a currency",
    ),
    page(
        "market/search/",
        lambda c: reverse("marketplace:search") + "?radius_km=50000",
        per(400),
        label="a radius of 50,000 km",
    ),
    page(
        "market/search/",
        lambda c: reverse("marketplace:search") + "?currency=XBT&max_price=12,5",
        per(400),
        label="an unknown currency",
    ),
    page(
        "market/search/saved/", planted(lambda c: reverse("marketplace:saved_searches")), SIGNED_IN
    ),
    page(
        "market/search/saved/new/",
        lambda c: reverse("marketplace:saved_search_create"),
        per(302, anonymous=LOGIN),
        method="POST",
        body=lambda c: {"q": "lamp"},
        state=saved_searches,
        changes=EVERYONE_SIGNED_IN,
    ),
    page(
        "market/search/saved/<int:saved_search_id>/delete/",
        planted(lambda c: reverse("marketplace:saved_search_delete", args=[c["saved"].pk])),
        per(302, anonymous=LOGIN),
        method="POST",
        state=saved_searches,
        changes="owner",
    ),
    page("market/watchlist/", planted(lambda c: reverse("marketplace:watchlist")), SIGNED_IN),
    page(
        "market/watchlist/<int:listing_id>/add/",
        planted(lambda c: reverse("marketplace:watch_add", args=[c["listing"].pk])),
        per(302, anonymous=LOGIN),
        method="POST",
        state=watches,
        changes=NEW_WATCHERS,
    ),
    page(
        "market/watchlist/<int:listing_id>/remove/",
        planted(lambda c: reverse("marketplace:watch_remove", args=[c["listing"].pk])),
        per(302, anonymous=LOGIN),
        method="POST",
        state=watches,
        changes="friend_a",
    ),
    # API.
    api(
        "GET /api/market/search/",
        planted(lambda c: reverse("api-market-search") + "?q=bike"),
        SIGNED_IN_API,
    ),
    api(
        "GET /api/market/search/",
        lambda c: reverse("api-market-search") + "?radius_km=0",
        per(400, anonymous=API_ANON),
        label="a radius of 0 km",
    ),
    api(
        "GET /api/market/saved-searches/",
        planted(lambda c: reverse("api-market-saved-searches")),
        SIGNED_IN_API,
    ),
    api(
        "POST /api/market/saved-searches/",
        lambda c: reverse("api-market-saved-searches"),
        per(201, anonymous=API_ANON),
        body=lambda c: {"q": "lamp"},
        state=saved_searches,
        changes=EVERYONE_SIGNED_IN,
    ),
    api(
        "DELETE /api/market/saved-searches/{saved_search_id}/",
        planted(lambda c: reverse("api-market-saved-search", args=[c["saved"].pk])),
        per(404, anonymous=API_ANON, owner=204),
        state=saved_searches,
        changes="owner",
    ),
    api(
        "GET /api/market/watchlist/",
        planted(lambda c: reverse("api-market-watchlist")),
        SIGNED_IN_API,
    ),
    api(
        "POST /api/market/watchlist/",
        planted(lambda c: reverse("api-market-watchlist")),
        per(201, anonymous=API_ANON, owner=400, blocked=404),
        body=lambda c: {"listing": c["listing"].pk},
        state=watches,
        changes=NEW_WATCHERS,
    ),
    api(
        "DELETE /api/market/watchlist/{listing_id}/",
        planted(lambda c: reverse("api-market-watch", args=[c["listing"].pk])),
        per(404, anonymous=API_ANON, friend_a=204),
        state=watches,
        changes="friend_a",
    ),
]
