"""Release tasks: forget the noisy answers of days gone."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from privacy import releases

__all__ = ["purge_old_releases"]


@shared_task(name="privacy.purge_old_releases")
def purge_old_releases() -> int:
    """Hourly (beat): delete releases and budgets older than yesterday (yesterday's are kept so
    that a day's answers outlive a time zone's midnight by a day). Returns how many releases."""
    return releases.purge_before(timezone.localdate() - timedelta(days=1))
