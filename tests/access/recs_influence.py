"""Access-matrix rows for the recommendations influence routes (helpers: tests/access/matrix.py).

Nobody in the cast granted `influence` and no run has computed scores, so "your influence" shows
how it is turned on, trusted voices are empty and a brand has no count above k: none of them
shows any marker of the cast. An unknown topic or brand is a 404 for everyone signed in."""

from __future__ import annotations

from django.urls import reverse

from tests.access.matrix import API_ANON, LOGIN, SIGNED_IN, SIGNED_IN_API, api, page, per

TOPIC = "bikes"  # of the seeded catalog
BRAND = "trek"

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
]
