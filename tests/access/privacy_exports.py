"""Access-matrix rows for the privacy exports routes (helpers: tests/access/engine.py).

Every export belongs to one person and only that person reaches it: anyone else, staff and
moderators included, gets a 404 for its row and its download, whatever the address. Rows that
need an export of the owner's plant it while their address is built (inside the row's own
transaction, rolled back with it); a ready one is really built, zip and all.
privacy/tests/test_exports.py checks what is inside the zip.
"""

from __future__ import annotations

from django.urls import reverse

from privacy.models import ExportRequest
from tests.access.engine import (
    API_ANON,
    LOGIN,
    SIGNED_IN,
    SIGNED_IN_API,
    all_but,
    api,
    page,
    per,
)
from tests.factories import make_export

EVERYONE_SIGNED_IN = " ".join(all_but("anonymous"))


def exports(c):
    """Who has which exports: what asking for one changes."""
    return sorted(ExportRequest.objects.values_list("user_id", "status"))


def owner_export(status: str = "ready", *, expired: bool = False):
    """The owner's export (`make_export`): pending, or really built (and maybe past its expiry)."""
    return lambda c: make_export(c["owner"], ready=status == "ready", expired=expired)


def row_url(plant):
    return lambda c: reverse("privacy:export_row", args=[plant(c).token])


def download_url(plant):
    return lambda c: reverse("privacy:export_download", args=[plant(c).token])


def api_download_url(plant):
    return lambda c: reverse("api-privacy-export-download", args=[plant(c).token])


ONLY_OWNER = per(404, owner=200, anonymous=LOGIN)
ONLY_OWNER_API = per(404, owner=200, anonymous=API_ANON)

ROWS: list = [
    # Pages.
    page("privacy/exports/", lambda c: reverse("privacy:exports"), SIGNED_IN),
    page(
        "privacy/exports/",
        lambda c: reverse("privacy:exports"),
        per(302, anonymous=LOGIN),
        label="request",
        method="POST",
        state=exports,
        changes=EVERYONE_SIGNED_IN,
    ),
    page(
        "privacy/exports/",
        lambda c: (owner_export()(c), reverse("privacy:exports"))[1],
        per(302, anonymous=LOGIN),
        label="second the same day",
        method="POST",
        state=exports,
        changes=" ".join(all_but("anonymous", "owner")),
    ),
    page(
        "privacy/exports/<uuid:token>/",
        row_url(owner_export("pending")),
        ONLY_OWNER,
    ),
    page(
        "privacy/exports/<uuid:token>/download/",
        download_url(owner_export()),
        ONLY_OWNER,
        label="ready",
    ),
    page(
        "privacy/exports/<uuid:token>/download/",
        download_url(owner_export(expired=True)),
        per(404, owner=410, anonymous=LOGIN),
        label="expired",
    ),
    page(
        "privacy/exports/<uuid:token>/download/",
        download_url(owner_export("pending")),
        per(404, owner=410, anonymous=LOGIN),
        label="not ready",
    ),
    # API.
    api("GET /api/privacy/exports/", lambda c: reverse("api-privacy-exports"), SIGNED_IN_API),
    api(
        "POST /api/privacy/exports/",
        lambda c: reverse("api-privacy-exports"),
        per(201, anonymous=API_ANON),
        state=exports,
        changes=EVERYONE_SIGNED_IN,
    ),
    api(
        "POST /api/privacy/exports/",
        lambda c: (owner_export()(c), reverse("api-privacy-exports"))[1],
        per(201, owner=409, anonymous=API_ANON),
        label="second the same day",
        state=exports,
        changes=" ".join(all_but("anonymous", "owner")),
    ),
    api(
        "GET /api/privacy/exports/{token}/download/",
        api_download_url(owner_export()),
        ONLY_OWNER_API,
        label="ready",
    ),
    api(
        "GET /api/privacy/exports/{token}/download/",
        api_download_url(owner_export(expired=True)),
        per(404, owner=410, anonymous=API_ANON),
        label="expired",
    ),
]
