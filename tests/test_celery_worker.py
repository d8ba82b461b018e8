"""A real Celery worker, in its own process, against the suite's Redis and test database."""

from __future__ import annotations

import pytest

from config.celery import ping
from tests.factories import PersonFactory
from tests.worker import database_name, user_emails

pytestmark = pytest.mark.worker


def test_a_task_sent_with_delay_comes_back_through_the_result_backend(celery_worker):
    result = ping.delay("are you there?")
    assert result.get(timeout=celery_worker.timeout) == "are you there?"
    assert result.successful()


def test_the_worker_answers_a_control_ping(celery_worker):
    from config.celery import app

    replies = app.control.ping(destination=[celery_worker.nodename], timeout=2)
    assert replies == [{celery_worker.nodename: {"ok": "pong"}}]


def test_the_worker_uses_the_test_database(celery_worker):
    from django.db import connection

    name = database_name.delay().get(timeout=celery_worker.timeout)
    assert name == connection.settings_dict["NAME"] == celery_worker.database_name
    assert name.startswith("test_")


def test_the_worker_sees_rows_the_test_committed(celery_worker):
    PersonFactory.create(name="Wanda Worker", email="wanda@example.com")
    PersonFactory.create(name="Walt Worker", email="walt@example.com")
    emails = user_emails.delay().get(timeout=celery_worker.timeout)
    assert emails == ["walt@example.com", "wanda@example.com"]


def test_the_next_test_starts_from_an_empty_database(celery_worker):
    assert user_emails.delay().get(timeout=celery_worker.timeout) == []


@pytest.mark.django_db(transaction=True)
def test_eager_mode_is_back_once_a_worker_test_is_over():
    """Runs after the worker tests above (same file, same kind of test): the rest of the session
    must run tasks in process again, or their files land where the worker writes them."""
    from config.celery import app

    assert app.conf.task_always_eager is True
