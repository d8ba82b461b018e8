"""Access-matrix rows for the recommendations personal routes (helpers: tests/access/engine.py).

Nobody in the cast has `personalization` on, so "for you" is the explanation of how to turn it
on; nobody bought anything, so "also bought" is empty. Neither shows any marker of the cast."""

from __future__ import annotations

from django.urls import reverse

from tests.access.engine import SIGNED_IN, SIGNED_IN_API, api, page

PRODUCT = "trek-domane-al-2"  # of the seeded catalog

ROWS = [
    page("discover/for-you/", lambda c: reverse("recommendations:for_you"), SIGNED_IN),
    api("GET /api/discover/for-you/", lambda c: reverse("api-discover-for-you"), SIGNED_IN_API),
    api(
        "GET /api/discover/products/{slug}/also-bought/",
        lambda c: reverse("api-discover-also-bought", args=[PRODUCT]),
        SIGNED_IN_API,
    ),
]
