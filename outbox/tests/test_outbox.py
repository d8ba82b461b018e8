"""The outbox in process: what is written, when it is sent, what a refusal leaves behind. The
broker really down, and back, is tests/test_broker_outage.py."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from config.celery import app, ping
from outbox.models import QueuedTask
from outbox.services import enqueue, send, waiting

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker(settings):
    """Eager mode off; the broker replaced by a recorder of what it was handed."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with mock.patch.object(app, "send_task") as send_task:
        yield send_task
    app.conf.task_always_eager = eager


def test_a_task_is_written_with_the_transaction_and_sent_once_it_commits(broker):
    with transaction.atomic():
        ping.enqueue("hello")
        assert QueuedTask.objects.get().args == ["hello"]
        broker.assert_not_called()
    broker.assert_called_once_with(
        "config.ping", args=["hello"], kwargs={}, countdown=None, retry=False
    )
    assert waiting() == 0


def test_a_rolled_back_action_queues_nothing(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        ping.enqueue("never")
        raise RuntimeError("the action failed")
    assert waiting() == 0
    broker.assert_not_called()


def test_a_broker_that_refuses_leaves_the_task_waiting_and_raises_nothing(broker):
    broker.side_effect = OperationalError("Error 111 connecting to 127.0.0.1:6379")
    ping.enqueue("first")
    ping.enqueue("second")
    rows = list(QueuedTask.objects.values_list("args", "tries"))
    assert rows == [(["first"], 1), (["second"], 1)]
    assert "Error 111" in QueuedTask.objects.first().last_error

    # Still down: the drain stops at the first refusal rather than trying each in turn.
    broker.reset_mock()
    assert send() == 0
    assert broker.call_count == 1

    # Back: the drain sends them in the order they were queued, and forgets them.
    broker.side_effect = None
    broker.reset_mock()
    assert send() == 2
    assert [call.kwargs["args"] for call in broker.call_args_list] == [["first"], ["second"]]
    assert waiting() == 0


def test_a_delay_is_kept_until_the_task_is_sent(broker):
    broker.side_effect = OperationalError("down")
    enqueue(ping, ["later"], countdown=30)
    broker.side_effect = None
    send()
    assert broker.call_args.kwargs["countdown"] == 30


def test_under_eager_celery_the_task_runs_in_process_after_the_commit():
    with mock.patch("config.celery.ping.run", return_value="ran") as run:
        with transaction.atomic():
            ping.enqueue("now")
            run.assert_not_called()
        run.assert_called_once_with("now")
    assert waiting() == 0
