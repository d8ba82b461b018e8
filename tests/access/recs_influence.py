"""Access-matrix rows for the recommendations influence routes (helpers: tests/access/engine.py).

Nobody in the cast granted `influence` and no run has computed scores, so "your influence" shows
how it is turned on, trusted voices are empty and a brand has no count above k: none of them
shows any marker of the cast. An unknown topic or brand is a 404 for everyone signed in. The
trusted voices near a listing are its seller's alone: anyone else gets the 404 of a listing they
cannot manage, whatever the listing's audience or state."""

from __future__ import annotations

from django.urls import reverse

from marketplace.models import Brand, Listing
from tests.access.engine import API_ANON, LOGIN, SIGNED_IN, SIGNED_IN_API, api, page, per
from tests.access.market_listings import listing_url, owner_listing

TOPIC = "bikes"  # of the seeded catalog
BRAND = "trek"

ONLY_THE_SELLER = per(404, anonymous=API_ANON, owner=200)


def branded_listing(c) -> Listing:
    """The owner's public listing, of a Trek."""
    return owner_listing(brand=Brand.objects.get(slug=BRAND))(c)


def _near_rows() -> list:
    route = "GET /api/discover/listings/{listing_id}/brand-voices/"
    name = "api-discover-listing-brand-voices"
    return [
        api(route, listing_url(name, branded_listing), ONLY_THE_SELLER, label="with a brand"),
        api(route, listing_url(name), ONLY_THE_SELLER, label="without a brand"),
        api(
            route,
            listing_url(name, owner_listing(status="draft")),
            ONLY_THE_SELLER,
            label="draft",
        ),
        api(
            route,
            lambda c: reverse(name, args=[999999]),
            per(404, anonymous=API_ANON),
            label="no such listing",
        ),
    ]


ROWS = [
    page("discover/influence/", lambda c: reverse("recommendations:my_influence"), SIGNED_IN),
    page(
        "discover/voices/<slug:slug>/",
        lambda c: reverse("recommendations:voices", args=[TOPIC]),
        SIGNED_IN,
    ),
    page(
        "discover/voices/<slug:slug>/",
        lambda c: reverse("recommendations:voices", args=["no-such-topic"]),
        per(404, anonymous=LOGIN),
        label="unknown topic",
    ),
    api("GET /api/discover/influence/", lambda c: reverse("api-discover-influence"), SIGNED_IN_API),
    api(
        "GET /api/discover/voices/{slug}/",
        lambda c: reverse("api-discover-voices", args=[TOPIC]),
        SIGNED_IN_API,
    ),
    api(
        "GET /api/discover/voices/{slug}/",
        lambda c: reverse("api-discover-voices", args=["no-such-topic"]),
        per(404, anonymous=API_ANON),
        label="unknown topic",
    ),
    api(
        "GET /api/discover/brands/{slug}/voices/",
        lambda c: reverse("api-discover-brand-voices", args=[BRAND]),
        SIGNED_IN_API,
    ),
    *_near_rows(),
]
