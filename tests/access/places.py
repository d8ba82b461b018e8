"""Access-matrix rows for the place lookups (helpers: tests/access/engine.py).

A place field asks these as one types and when "Use my location" is pressed: town names from
the gazetteer, the same for every member, about nobody. Visitors are sent to sign in; a query
too long or a point that is not one is a 400 with a sentence, for everyone signed in.
"""

from __future__ import annotations

from django.urls import reverse

from tests.access.engine import LOGIN, SIGNED_IN, page, per

REFUSED = per(400, anonymous=LOGIN)

ROWS = [
    page("places/", lambda c: reverse("place_suggestions") + "?q=Lyo", SIGNED_IN),
    page(
        "places/",
        lambda c: reverse("place_suggestions") + "?q=" + "x" * 121,
        REFUSED,
        label="a query too long",
    ),
    page(
        "places/nearest/",
        lambda c: reverse("place_nearest") + "?latitude=45.76&longitude=4.84",
        SIGNED_IN,
    ),
    page(
        "places/nearest/",
        lambda c: reverse("place_nearest") + "?latitude=north&longitude=4.84",
        REFUSED,
        label="not a point",
    ),
]
