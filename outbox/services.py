"""Queueing a task so that a broker outage never fails the request and never loses the task.

`task.enqueue(...)` (config.celery.Task) writes a `QueuedTask` row in the caller's transaction
and, once that commits, hands it to the broker without retrying, waiting at most
`BROKER_CONNECTION_TIMEOUT` seconds: the row is deleted when the broker has the task. When the
broker does not answer, the request has already done its work and answers as usual; the row
waits and `drain` (a beat task every 30 s) sends it when the broker is back. One process at a
time sends a row (row locks, skip locked), at least once: every task is safe to run twice
(acks are late anyway).

Under eager Celery (development, most tests) there is no broker: the task runs in process once
the transaction commits, as `delay_on_commit` does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from outbox.models import QueuedTask

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("bazaar.outbox")

OnCommit = Callable[[Callable[[], None]], None]

DRAIN_BATCH = 500


def enqueue(
    task: Task,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    *,
    countdown: int = 0,
    on_commit: OnCommit | None = None,
) -> None:
    """Queue `task(*args, **kwargs)` to run once the current transaction commits (at once
    outside one). `on_commit` replaces `transaction.on_commit` (the mail tests send at once)."""
    after = on_commit or transaction.on_commit
    if task.app.conf.task_always_eager:
        after(
            lambda: task.apply_async(
                args=list(args), kwargs=kwargs or {}, countdown=countdown or None
            )
        )
        return
    row = QueuedTask.objects.create(
        name=task.name, args=list(args), kwargs=kwargs or {}, countdown=countdown
    )

    def hand_over() -> None:
        send([row.pk])

    after(hand_over)


def send(ids: Sequence[int] | None = None) -> int:
    """Hand waiting tasks to the broker (those in `ids`, or every waiting one) and delete each
    one the broker took. Stops at the first the broker refuses: it is down, the rest would wait
    for it too. Returns how many were sent; never raises for a broker that does not answer."""
    from config.celery import app

    sent = 0
    with transaction.atomic():
        rows = QueuedTask.objects.select_for_update(skip_locked=True).order_by("id")
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        for row in rows[:DRAIN_BATCH]:
            try:
                app.send_task(
                    row.name,
                    args=row.args,
                    kwargs=row.kwargs,
                    countdown=row.countdown or None,
                    retry=False,
                )
            except Exception as error:  # the broker is down or refused: the row waits
                logger.warning("The broker did not take %s; it waits in the outbox: %r", row, error)
                QueuedTask.objects.filter(pk=row.pk).update(
                    tries=row.tries + 1, last_error=repr(error)[:500]
                )
                break
            row.delete()
            sent += 1
    return sent


def waiting() -> int:
    """How many tasks wait for the broker (the health of the queue)."""
    return QueuedTask.objects.count()
