"""Pages ask to sign in unless their view says @login_not_required (LoginRequiredMiddleware);
the API keeps its own answers."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# The pages a visitor who is not signed in may open; each still decides what it shows them.
PUBLIC_PAGES = {
    "home",
    "healthz",
    "media",
    "social:profile",
    "social:post",
    "privacy:erase_scheduled",
    "social:unsubscribe",  # one-click unsubscribe from an email: the signed link is the key
    "verification_resend",  # "send it again" before the account can sign in
    "marketplace:listing",
    "marketplace:search",
    "marketplace:deals_listing",
    "marketplace:product",
    "marketplace:brands",  # every brand's page, as its product pages: no member's data on it
    "marketplace:brand",
}


def _routes(patterns, namespace: str = "", prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry.callback


def test_only_the_public_pages_are_open_to_visitors():
    open_pages = {
        name
        for route, name, view in _routes(get_resolver().url_patterns)
        if getattr(view, "login_required", True) is False
        and not route.startswith(("api/", "admin/", "accounts/"))
    }

    assert open_pages == PUBLIC_PAGES


def test_a_visitor_is_sent_to_sign_in_from_a_members_page(client):
    response = client.get(reverse("social:friends"))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={reverse('social:friends')}"


def test_a_visitor_reaches_a_public_page(client):
    assert client.get(reverse("home")).status_code == 200


def test_a_visitor_reaches_the_sign_in_and_sign_up_pages(client):
    assert client.get(reverse("account_login")).status_code == 200
    assert client.get(reverse("account_signup")).status_code == 200


def test_the_api_answers_a_visitor_in_json_not_with_a_redirect(client):
    response = client.get("/api/me/")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
