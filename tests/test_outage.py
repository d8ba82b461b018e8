"""A backend that does not answer is a 503 with a page or the API's error body, never a 500
(config/outage.py): Redis down, the database down, wherever the view meets it."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisDown

SEARCH = "marketplace.selectors.search.search_listings"
FEED = "social.selectors.feed_for"


@pytest.fixture
def quiet_client():
    """A client that gets the response Django makes of an uncaught exception."""
    return Client(raise_request_exception=False)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_page_with_redis_down_is_a_friendly_503(owner, quiet_client):
    signed_in(quiet_client, owner)
    with mock.patch(SEARCH, side_effect=RedisDown("Error 111 connecting to 127.0.0.1:6379.")):
        response = quiet_client.get("/market/search/?q=bike")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Bazaar is back in a moment" in response.text


def test_the_api_with_redis_down_answers_its_error_body(owner, quiet_client):
    signed_in(quiet_client, owner)
    with mock.patch(FEED, side_effect=RedisDown("Error 111 connecting to 127.0.0.1:6379.")):
        response = quiet_client.get("/api/feed/")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


def test_the_database_down_is_a_503_too(owner, quiet_client):
    signed_in(quiet_client, owner)
    with mock.patch(SEARCH, side_effect=OperationalError("server closed")):
        response = quiet_client.get("/market/search/?q=bike")
    assert response.status_code == 503


def test_any_other_error_is_still_the_500(owner, quiet_client):
    signed_in(quiet_client, owner)
    with mock.patch(SEARCH, side_effect=RuntimeError("bug")):
        response = quiet_client.get("/market/search/?q=bike")
    assert response.status_code == 500


def test_a_backend_down_before_any_view_runs_is_a_503_too(owner, quiet_client, settings):
    """The session is read by middleware, outside any view: Django's 500 handler answers."""
    from django.utils.module_loading import import_string

    signed_in(quiet_client, owner)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    with mock.patch.object(store, "load", side_effect=OperationalError("server closed")):
        response = quiet_client.get("/market/search/?q=bike")
    assert response.status_code == 503 and "Bazaar is back in a moment" in response.text
