"""Access-matrix rows for the privacy erasure routes (helpers: tests/access/engine.py).

Deleting an account concerns only the person asking: every signed-in viewer may delete their own
account (with their own password) and nobody else's; the page after it is for anyone, since the
person has just been signed out. The pages show none of the cast's markers.
privacy/tests/test_erasure.py checks what a deletion does and that nobody else's data moves.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from privacy.models import ErasureRequest
from tests.access.engine import (
    API_ANON,
    LOGIN,
    PUBLIC,
    SIGNED_IN,
    SIGNED_IN_API,
    all_but,
    api,
    page,
    per,
)
from tests.factories import PASSWORD

EVERYONE_SIGNED_IN = " ".join(all_but("anonymous"))


def erasures(c):
    """Every erasure request and every deactivated account: what a deletion changes."""
    requests = set(ErasureRequest.objects.values_list("user_id", "status"))
    inactive = set(User.objects.filter(is_active=False).values_list("pk", flat=True))
    return requests, inactive


def erase_url(c):
    return reverse("privacy:erase")


def api_url(c):
    return reverse("api-privacy-erasure")


ROWS = [
    page("privacy/delete-account/", erase_url, SIGNED_IN),
    page(
        "privacy/delete-account/",
        erase_url,
        per(400, anonymous=LOGIN),
        label="wrong password",
        method="POST",
        body=lambda c: {"password": "not the password"},
        state=erasures,
    ),
    page(
        "privacy/delete-account/",
        erase_url,
        per(302, anonymous=LOGIN),
        label="own password",
        method="POST",
        body=lambda c: {"password": PASSWORD},
        state=erasures,
        changes=EVERYONE_SIGNED_IN,
    ),
    page(
        "privacy/delete-account/scheduled/",
        lambda c: reverse("privacy:erase_scheduled"),
        PUBLIC,
    ),
    api("GET /api/privacy/erasure/", api_url, SIGNED_IN_API),
    api(
        "POST /api/privacy/erasure/",
        api_url,
        per(400, anonymous=API_ANON),
        label="wrong password",
        body=lambda c: {"password": "not the password"},
        state=erasures,
    ),
    api(
        "POST /api/privacy/erasure/",
        api_url,
        per(202, anonymous=API_ANON),
        label="own password",
        body=lambda c: {"password": PASSWORD},
        state=erasures,
        changes=EVERYONE_SIGNED_IN,
    ),
]
