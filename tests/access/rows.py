"""The access matrix's table: every row file, in one list. A new row file is added here; its
rows are written with the notation of tests/access/engine.py."""

from __future__ import annotations

from tests.access import (
    admin,
    market_brands,
    market_deals,
    market_listings,
    market_reports,
    market_reviews,
    market_search,
    places,
    privacy_consent,
    privacy_erasure,
    privacy_exports,
    recs_influence,
    recs_personal,
    recs_search,
    social,
)
from tests.access.engine import Row, ThirdParty

ROW_FILES = [
    social,
    places,
    privacy_consent,
    privacy_exports,
    privacy_erasure,
    market_listings,
    market_search,
    market_deals,
    market_reviews,
    market_reports,
    market_brands,
    recs_search,
    recs_influence,
    recs_personal,
    admin,
]
ROWS: list[Row] = [row for row_file in ROW_FILES for row in row_file.ROWS]

# Route families of third-party packages, covered by a few representative rows (in `social`)
# rather than one row per route.
THIRD_PARTY = (
    ThirdParty(
        "admin/",
        (
            "django.contrib.admin.",
            "django.contrib.auth.admin",
            "django.contrib.contenttypes.views",  # "view on site"
            "django.views.generic.base",  # RedirectView: old addresses to their new ones
            "allauth.account.decorators",
        ),
        "Django admin: staff only, covered by Django's own tests; representative rows below.",
    ),
    ThirdParty(
        "accounts/",
        ("allauth.", "django.views.generic.base"),
        "allauth (sign-in, sign-up, email, password, two-factor, social logins): covered by "
        "allauth's tests and accounts/tests; representative rows below.",
    ),
)
