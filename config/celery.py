"""The Celery application.

Settings come from Django's settings under the `CELERY_` prefix (see config/settings.py): JSON
only, acks late with reject-on-worker-lost so a killed worker's task is redelivered, time limits
on every task. Services queue tasks with `task.delay_on_commit(...)` (the Django task class below),
so a task is sent only once the transaction that caused it commits: a worker never sees a row
that was rolled back, and a rolled-back action sends nothing.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bazaar", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping")
def ping(value: str = "pong") -> str:
    """Round-trip check used by the health of the worker fleet and the integration test."""
    return value
