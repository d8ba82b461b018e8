"""A task written in the transaction that caused it, until the broker has taken it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class QueuedTask(models.Model):
    """One task for Celery that the broker has not confirmed yet.

    Written in the same transaction as the rows the task is about, so a task exists exactly when
    its cause committed. Sent right after the commit and deleted once the broker has it; while
    the broker is down it waits here and `outbox.drain` (every 30 s) sends it when the broker is
    back. Rows live seconds while the broker answers; what they carry (ids, an email on its way)
    is the task's own arguments, as they would sit on the broker's queue."""

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    countdown = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    tries = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["created_at"], name="outbox_created_idx")]

    def __str__(self) -> str:
        return f"{self.name} (queued {self.created_at:%Y-%m-%d %H:%M:%S})"
