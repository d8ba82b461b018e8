"""Access-matrix rows for the marketplace reports routes (helpers: tests/access/engine.py).

The report form names what is reported, so a viewer who may report the owner's public post sees
its text there; the owner may not report their own post (403), blocked may not see it (404). A
draft or withdrawn listing does not exist for anyone but its seller (404), as on its own page.
What a moderator hid and why, and the appeal against it, are the owner's alone."""

from __future__ import annotations

from django.urls import reverse

from marketplace.models import Appeal, Report
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
from tests.access.market_listings import UNPUBLISHED, owner_listing, seller_alone
from tests.factories import hide_with_decision

REPORTERS = "stranger fof friend_a friend_b moderator"


def reports(c):
    return set(Report.objects.values_list("reporter_id", "object_id", "reason"))


def _report_post(c) -> str:
    return reverse("marketplace:report", args=["post", c["posts"]["public"].pk])


def _report_listing(plant):
    """The report form's address for the listing `plant` makes."""
    return lambda c: reverse("marketplace:report", args=["listing", plant(c).pk])


POST_FORM = per(200, anonymous=LOGIN, owner=403, blocked=404)
NOT_THERE = per(404, anonymous=LOGIN, owner=403)  # the seller may not report their own
SHOWN_POST = sees(**dict.fromkeys(all_but("anonymous", "blocked"), "public"))


def _decision(c) -> str:
    """The owner's listing hidden by a moderator: the address of the owner's decision page."""
    decision = hide_with_decision(owner_listing()(c))
    return reverse("marketplace:moderation_decision", args=[decision.pk])


def _decision_api(name: str):
    """The owner's hidden listing's decision, at the API route `name`."""
    return lambda c: reverse(name, args=[hide_with_decision(owner_listing()(c)).pk])


def appeals(c):
    return sorted(Appeal.objects.values_list("decision__owner_id", "text"))


ROWS = [
    # A moderation decision is its owner's alone; nobody else learns it exists.
    page(
        "market/moderation/<int:decision_id>/",
        _decision,
        per(404, anonymous=LOGIN, owner=200),
    ),
    page(
        "market/moderation/<int:decision_id>/",
        _decision,
        per(404, anonymous=LOGIN, owner=302),
        label="appeal",
        method="POST",
        body=lambda c: {"text": "It is my own bike."},
        state=appeals,
        changes="owner",
    ),
    page(
        "market/report/<str:content_type>/<int:object_id>/",
        _report_post,
        POST_FORM,
        label="a public post",
        shows=SHOWN_POST,
    ),
    page(
        "market/report/<str:content_type>/<int:object_id>/",
        lambda c: reverse("marketplace:report", args=["post", c["posts"]["friends"].pk]),
        per(404, anonymous=LOGIN, owner=403, friend_a=200, friend_b=200),
        label="a friends-only post",
        shows=sees(owner="friends", friend_a="friends", friend_b="friends"),
    ),
    page(
        "market/report/<str:content_type>/<int:object_id>/",
        lambda c: reverse("marketplace:report", args=["person", c["owner"].pk]),
        POST_FORM,
        label="a person",
    ),
    page(
        "market/report/<str:content_type>/<int:object_id>/",
        _report_post,
        per(302, anonymous=LOGIN, owner=403, blocked=404),
        label="send",
        method="POST",
        shows=sees(owner="public"),  # the refusal page names the owner's own post
        body=lambda c: {"reason": "spam", "note": ""},
        state=reports,
        changes=REPORTERS,
    ),
    *seller_alone(
        page,
        "market/report/<str:content_type>/<int:object_id>/",
        _report_listing,
        NOT_THERE,
        label="a {status} listing",
    ),
    *seller_alone(
        page,
        "market/report/<str:content_type>/<int:object_id>/",
        _report_listing,
        NOT_THERE,
        label="send on a {status} listing",
        method="POST",
        body=lambda c: {"reason": "spam", "note": ""},
        state=reports,
    ),
    page("market/reports/mine/", lambda c: reverse("marketplace:my_reports"), SIGNED_IN),
    # Moderators suspend accounts in the user admin, but only superusers change passwords
    # (accounts/admin.py); the cast's moderator is staff without rights.
    page(
        "admin/accounts/user/<id>/password/",
        lambda c: reverse("admin:auth_user_password_change", args=[c["owner"].pk]),
        per(302, moderator=403),
    ),
    api("GET /api/market/reports/", lambda c: reverse("api-market-reports"), SIGNED_IN_API),
    api(
        "GET /api/market/moderation/",
        lambda c: reverse("api-market-decisions"),
        SIGNED_IN_API,
    ),
    api(
        "GET /api/market/moderation/{decision_id}/",
        _decision_api("api-market-decision"),
        per(404, anonymous=API_ANON, owner=200),
    ),
    api(
        "POST /api/market/moderation/{decision_id}/appeal/",
        _decision_api("api-market-appeal"),
        per(404, anonymous=API_ANON, owner=201),
        body=lambda c: {"text": "It is my own bike."},
        state=appeals,
        changes="owner",
    ),
    api(
        "POST /api/market/reports/",
        lambda c: reverse("api-market-reports"),
        per(201, anonymous=API_ANON, owner=403, blocked=404),
        body=lambda c: {"target_type": "person", "target_id": c["owner"].pk, "reason": "spam"},
        state=reports,
        changes=REPORTERS,
    ),
    *[
        api(
            "POST /api/market/reports/",
            lambda c: reverse("api-market-reports"),
            per(404, anonymous=API_ANON, owner=403),
            label=f"a {status} listing",
            body=lambda c, status=status: {
                "target_type": "listing",
                "target_id": owner_listing(status=status)(c).pk,
                "reason": "spam",
            },
            state=reports,
        )
        for status in UNPUBLISHED
    ],
]
