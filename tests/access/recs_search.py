"""Access-matrix rows for the recommendations search routes (helpers: tests/access/engine.py).

The cast has no purchases and nobody granted `social_proof`, so every signed-in viewer gets a
funnel of zeros and no names: the rows check who may ask, the gate's own tests what is shown."""

from __future__ import annotations

from django.urls import reverse

from tests.access.engine import SIGNED_IN, SIGNED_IN_API, api, page

ROWS: list = [
    page("discover/search/", lambda c: reverse("recommendations:search") + "?q=bike", SIGNED_IN),
    api(
        "GET /api/discover/search/",
        lambda c: reverse("api-discover-search") + "?q=bike",
        SIGNED_IN_API,
    ),
]
