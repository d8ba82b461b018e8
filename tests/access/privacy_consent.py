"""Access-matrix rows for the privacy consent routes (helpers: tests/access/engine.py).

Every consent route is about the person asking: each viewer reads and changes only their own
consents. Rows that need the owner to have granted something plant that grant while their
address is built (`with_owner_grant`); it runs inside the row's own transaction and is rolled
back with it. The owner's consent state carries none of the cast's markers, so the rows check
the page is the viewer's own through the owner's name, and privacy/tests/test_consent_pages.py
and test_consent_api.py check that nobody sees another person's consent state or ledger.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Profile
from privacy.models import ConsentRecord, ConsentState
from privacy.purposes import Purpose, Scope
from tests.access.engine import (
    API_ANON,
    LOGIN,
    SIGNED_IN,
    SIGNED_IN_API,
    all_but,
    api,
    page,
    per,
    sees,
)
from tests.factories import consent

SOCIAL = Purpose.SOCIAL_PROOF.value
EVERYONE_SIGNED_IN = " ".join(all_but("anonymous"))
OWN_PAGE = sees(owner="owner_name")  # each viewer gets their own page; only the owner's says Olivia


def with_owner_grant(build_url):
    """The row's address, after the owner granted social proof to their Circle A."""

    def url(c):
        consent(c["owner"], Scope.CIRCLES, SOCIAL, circle_ids=[c["circle_a"].pk])
        return build_url(c)

    return url


def ledger(c):
    """Everyone's consent records and current state: what any consent write changes."""
    records = set(ConsentRecord.objects.values_list("user_id", "purpose", "action", "method"))
    states = set(ConsentState.objects.values_list("user_id", "purpose", "scope"))
    return records, states


def onboarded(c):
    return set(Profile.objects.filter(onboarded_at__isnull=False).values_list("user_id", flat=True))


def _grant_rows(route: str, name: str) -> list:
    return [
        page(
            route,
            lambda c: reverse(name, args=[SOCIAL]),
            per(302, anonymous=LOGIN),
            label="friends",
            method="POST",
            body=lambda c: {"scope": Scope.FRIENDS},
            state=ledger,
            changes=EVERYONE_SIGNED_IN,
        ),
        # Circle A is the owner's: everyone else is refused with a form error, nothing written.
        page(
            route,
            lambda c: reverse(name, args=[SOCIAL]),
            per(400, anonymous=LOGIN, owner=302),
            label="the owner's circle",
            method="POST",
            body=lambda c: {"scope": Scope.CIRCLES, "circles": [c["circle_a"].pk]},
            state=ledger,
            changes="owner",
        ),
    ]


def _withdraw_row(route: str, name: str):
    # Only the owner has granted it: the others are told so, and nothing is written.
    return page(
        route,
        with_owner_grant(lambda c: reverse(name, args=[SOCIAL])),
        per(302, anonymous=LOGIN),
        method="POST",
        state=ledger,
        changes="owner",
    )


ROWS: list = [
    # The dashboard and the welcome.
    page(
        "privacy/",
        with_owner_grant(lambda c: reverse("privacy:dashboard")),
        SIGNED_IN,
        shows=OWN_PAGE,
    ),
    *_grant_rows("privacy/consents/<str:purpose>/grant/", "privacy:grant"),
    _withdraw_row("privacy/consents/<str:purpose>/withdraw/", "privacy:withdraw"),
    page(
        "privacy/welcome/",
        with_owner_grant(lambda c: reverse("privacy:onboarding")),
        SIGNED_IN,
        shows=OWN_PAGE,
    ),
    page(
        "privacy/welcome/finish/",
        lambda c: reverse("privacy:onboarding_finish"),
        per(302, anonymous=LOGIN),
        method="POST",
        state=onboarded,
        changes=EVERYONE_SIGNED_IN,
    ),
    *_grant_rows("privacy/welcome/<str:purpose>/grant/", "privacy:onboarding_grant"),
    page(
        "privacy/welcome/<str:purpose>/skip/",
        lambda c: reverse("privacy:onboarding_skip", args=[SOCIAL]),
        per(302, anonymous=LOGIN),
        method="POST",
        state=ledger,  # skipping leaves it off, as it was: nothing is written
    ),
    _withdraw_row("privacy/welcome/<str:purpose>/withdraw/", "privacy:onboarding_withdraw"),
    # The API.
    api(
        "GET /api/privacy/purposes/",
        with_owner_grant(lambda c: reverse("api-privacy-purposes")),
        SIGNED_IN_API,
    ),
    api(
        "POST /api/privacy/consents/",
        lambda c: reverse("api-privacy-consents"),
        per(201, anonymous=API_ANON),
        label="friends",
        body=lambda c: {"purpose": SOCIAL, "scope": Scope.FRIENDS},
        state=ledger,
        changes=EVERYONE_SIGNED_IN,
    ),
    api(
        "POST /api/privacy/consents/",
        lambda c: reverse("api-privacy-consents"),
        per(400, anonymous=API_ANON, owner=201),
        label="the owner's circle",
        body=lambda c: {"purpose": SOCIAL, "scope": Scope.CIRCLES, "circles": [c["circle_a"].pk]},
        state=ledger,
        changes="owner",
    ),
    api(
        "DELETE /api/privacy/consents/{purpose}/",
        with_owner_grant(lambda c: reverse("api-privacy-consent", args=[SOCIAL])),
        per(404, anonymous=API_ANON, owner=204),
        state=ledger,
        changes="owner",
    ),
    api(
        "GET /api/privacy/consents/history/",
        with_owner_grant(lambda c: reverse("api-privacy-consents-history")),
        SIGNED_IN_API,
    ),
    api("GET /api/privacy/usage/", lambda c: reverse("api-privacy-usage"), SIGNED_IN_API),
]
