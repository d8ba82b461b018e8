"""Celery tasks of accounts: sending an email built elsewhere (`accounts.mail`)."""

from __future__ import annotations

from celery import shared_task

from accounts.mail import Outgoing, send_or_retry


@shared_task(bind=True, name="accounts.send_email")
def send_email(self, outgoing: Outgoing) -> bool:
    """Send one email, with retries and backoff; a failure past them is logged."""
    return send_or_retry(self, outgoing, what=f"“{outgoing['subject']}”")
