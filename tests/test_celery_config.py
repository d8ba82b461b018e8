"""Celery's configuration: JSON only, acks late, time limits, and tasks sent after commit."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction

from config.celery import app, ping


def test_reliability_settings():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert settings.CELERY_TASK_TIME_LIMIT == app.conf.task_time_limit


def test_an_unacknowledged_task_comes_back_after_its_longest_run_and_longest_wait():
    """A killed worker's task returns to the queue after the visibility timeout (not Redis's
    default hour); a task still running, or waiting for its countdown, never runs twice."""
    from accounts.mail import MAX_RETRIES, backoff
    from recommendations.influence_events import COALESCE_SECONDS

    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert timeout == settings.BROKER_VISIBILITY_TIMEOUT <= 10 * 60
    assert timeout > app.conf.task_time_limit
    assert timeout > max(backoff(retry) for retry in range(MAX_RETRIES + 1))
    assert timeout > COALESCE_SECONDS
    options = app.conf.broker_transport_options
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 10


@pytest.mark.django_db(transaction=True)
def test_a_task_is_sent_only_when_the_transaction_commits():
    with mock.patch.object(ping, "apply_async") as send:
        with transaction.atomic():
            ping.delay_on_commit("after")
            assert not send.called  # still inside the transaction
        send.assert_called_once_with(("after",), {})


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing():
    with mock.patch.object(ping, "apply_async") as send:
        with pytest.raises(RuntimeError), transaction.atomic():
            ping.delay_on_commit("never")
            raise RuntimeError("rolled back")
    assert not send.called
