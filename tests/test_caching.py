"""Answers made for a signed-in person are never kept by a shared cache or the browser
(config/caching.py); visitors' answers are left as their views made them."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import marlin_for_sale


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_a_signed_in_page_is_private_and_not_stored(owner, client_for):
    response = client_for(owner).get(reverse("home"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_a_signed_in_api_answer_by_token_is_private_and_not_stored(owner):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=owner).key}")
    response = api.get(reverse("api-me"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_a_refusal_to_a_signed_in_person_is_private_too(owner, client_for):
    response = client_for(owner).get("/market/listings/999999/")
    assert response.status_code == 404
    assert {"private", "no-store"} <= directives(response)


def test_a_visitors_public_listing_is_left_as_its_view_made_it(client, owner):
    listing = marlin_for_sale(owner, audience="public")
    response = client.get(reverse("marketplace:listing", args=[listing.pk]))
    assert response.status_code == 200
    assert "private" not in directives(response) and "no-store" not in directives(response)
