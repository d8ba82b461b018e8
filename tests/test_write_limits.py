"""Writes per member, on the API and the pages alike (config/throttling.py): past the limit a
429 that says how long to wait, and nothing written; reads are never counted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from social.models import Circle


@pytest.fixture(autouse=True)
def three_a_minute(settings):
    settings.WRITE_RATE_LIMIT = "3/min"


def test_the_api_refuses_a_members_fourth_write_in_a_minute(owner, api_client_for):
    api = api_client_for(owner)
    for name in ("Choir", "Climbing", "Chess"):
        assert api.post("/api/circles/", {"name": name}, format="json").status_code == 201
    for _ in range(5):
        assert api.get("/api/circles/").status_code == 200  # reads are not counted

    response = api.post("/api/circles/", {"name": "Tennis"}, format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert not Circle.objects.filter(owner=owner, name="Tennis").exists()


def test_each_member_has_a_limit_of_their_own(owner, stranger, api_client_for):
    api = api_client_for(owner)
    for name in ("Choir", "Climbing", "Chess"):
        api.post("/api/circles/", {"name": name}, format="json")
    other = api_client_for(stranger).post("/api/circles/", {"name": "Tennis"}, format="json")
    assert other.status_code == 201


def test_a_page_refuses_the_fourth_write_with_a_page_that_says_how_long_to_wait(owner, client_for):
    client = client_for(owner)
    for name in ("Choir", "Climbing", "Chess"):
        assert client.post(reverse("social:circles"), {"name": name}).status_code == 302

    response = client.post(reverse("social:circles"), {"name": "Tennis"})

    assert response.status_code == 429
    body = response.content.decode()
    assert "Slow down a little" in body and "Try again in" in body
    assert int(response["Retry-After"]) > 0
    assert not Circle.objects.filter(owner=owner, name="Tennis").exists()
    assert client.get(reverse("social:circles")).status_code == 200


def test_over_htmx_the_refusal_is_a_429_the_page_shows(owner, client_for):
    client = client_for(owner)
    for name in ("Choir", "Climbing", "Chess"):
        client.post(reverse("social:circles"), {"name": name})
    response = client.post(
        reverse("social:circles"), {"name": "Tennis"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/plain")


def test_pages_and_api_count_the_same_writes(owner, client_for, api_client_for):
    client = client_for(owner)
    client.post(reverse("social:circles"), {"name": "Tennis"})
    client.post(reverse("social:circles"), {"name": "Climbing"})
    api_client_for(owner).post("/api/circles/", {"name": "Chess"}, format="json")
    assert client.post(reverse("social:circles"), {"name": "Darts"}).status_code == 429


def test_visitors_are_counted_by_their_address(db, client, settings):
    settings.TRUSTED_PROXIES = []
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})
    response = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})
    assert response.status_code == 429
    # Another address is not held back by this one.
    elsewhere = client.post(
        reverse("account_login"),
        {"login": "b@example.com", "password": "x"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert elsewhere.status_code != 429


def test_a_limit_that_is_not_a_rate_is_refused_at_start():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "WRITE_RATE_LIMIT": "lots",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "WRITE_RATE_LIMIT must be like 60/min" in result.stderr
