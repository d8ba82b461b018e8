"""Celery tasks of social: notices by email, one at a time and as a daily digest."""

from __future__ import annotations

from celery import shared_task

from accounts.mail import send_or_retry
from social.services.notification_email import digest_due, digest_sent, notice_to_email


@shared_task(bind=True, name="social.send_notice_email")
def send_notice_email(self, notification_id: int) -> bool:
    """Email one notice (gone since, e.g. with an erased account: nothing to send)."""
    outgoing = notice_to_email(notification_id=notification_id)
    if outgoing is None:
        return False
    return send_or_retry(self, outgoing, what=f"notice {notification_id}")


@shared_task(bind=True, name="social.send_digest")
def send_digest(self, user_id: int) -> bool:
    """Email one person's waiting notices as one digest; they wait again if it fails."""
    ids, outgoing = digest_due(user_id=user_id)
    if outgoing is None:
        return False
    sent = send_or_retry(self, outgoing, what=f"the digest of person {user_id}")
    if sent:
        digest_sent(notification_ids=ids)
    return sent


@shared_task(name="social.send_digests")
def send_digests() -> int:
    """Daily (Celery beat): queue a digest for everyone with notices waiting for one."""
    from social.services.notification_email import people_with_digest_due

    people = people_with_digest_due()
    for user_id in people:
        send_digest.enqueue(user_id)
    return len(people)
