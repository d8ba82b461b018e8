"""The Celery application.

Settings come from Django's settings under the `CELERY_` prefix (see config/settings.py): JSON
only, acks late with reject-on-worker-lost so a killed worker's task is redelivered, time limits
on every task. Services queue tasks with `task.enqueue(...)` (the task class below): the task is
written to the outbox in the caller's transaction and handed to the broker once that commits, so
a worker never sees a row that was rolled back, a rolled-back action sends nothing, and a broker
that is down neither fails the request nor loses the task (outbox.services).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class Task(DjangoTask):
    """Every Bazaar task: `enqueue` is how the application queues one."""

    def enqueue(self, *args: Any, **kwargs: Any) -> None:
        """Run this task with these arguments once the current transaction commits, through
        the outbox (outbox.services.enqueue)."""
        from outbox.services import enqueue

        enqueue(self, args, kwargs)


app = Celery("bazaar", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping")
def ping(value: str = "pong") -> str:
    """Round-trip check used by the health of the worker fleet and the integration test."""
    return value
