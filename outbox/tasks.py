from __future__ import annotations

from celery import shared_task

from outbox import services


@shared_task(name="outbox.drain")
def drain() -> int:
    """Every 30 s (beat): send what waited for the broker. Returns how many were sent."""
    return services.send()
