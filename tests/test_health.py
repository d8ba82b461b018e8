"""GET /healthz: 200 when the database and the broker answer, 503 naming the one that does not."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from config import health
from config.celery import app as celery_app

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


class UnreachableDatabase:
    """Stands in for `django.db.connection` when PostgreSQL has gone away."""

    def __init__(self, error: Exception):
        self.error = error

    def cursor(self):
        raise self.error


@pytest.fixture
def broker_down(settings, monkeypatch):
    """Point the broker at a port where nothing listens."""
    settings.REDIS_URL = CLOSED_PORT_BROKER
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT_BROKER)
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)


@pytest.fixture
def database_down(monkeypatch):
    monkeypatch.setattr(
        health, "connection", UnreachableDatabase(OperationalError("connection refused"))
    )


def test_it_answers_200_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_is_never_cached(client, db):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_it_answers_503_naming_the_database_when_it_does_not_answer(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "down: OperationalError"
    assert body["broker"] == "ok"
    assert body["failing"] == ["database"]


def test_it_answers_503_naming_the_broker_when_redis_does_not_answer(client, db, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("down: ")
    assert body["failing"] == ["broker"]


def test_it_names_both_when_both_are_down(client, database_down, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database", "broker"]


def test_an_unexpected_database_error_is_a_503_not_a_500(client, monkeypatch):
    monkeypatch.setattr(health, "connection", UnreachableDatabase(RuntimeError("driver crashed")))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down: RuntimeError"


def test_it_says_nothing_about_the_error_beyond_its_kind(client, monkeypatch):
    secret = "password authentication failed for user bazaar at db.internal"
    monkeypatch.setattr(health, "connection", UnreachableDatabase(OperationalError(secret)))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "db.internal" not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_only_answers_get(client, db, method):
    response = getattr(client, method)("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
