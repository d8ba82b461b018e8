"""Erasure tasks: purging the accounts whose grace period is over (hourly, Celery beat)."""

from __future__ import annotations

from celery import shared_task

from privacy.services import erasure

__all__ = ["purge_due_erasures"]


@shared_task(name="privacy.purge_due_erasures")
def purge_due_erasures() -> int:
    """Purge every account whose deletion was asked for and whose grace period is over."""
    return erasure.purge_due_erasures()
