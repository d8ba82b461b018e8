"""Which notices are emailed, and when: queued after commit for email, kept for the digest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from accounts.mail import Outgoing, after_commit
from social.models import Notification
from social.notification_kinds import Channel

if TYPE_CHECKING:
    from accounts.models import User


def deliver(notifications: Sequence[Notification], channels: Sequence[Channel]) -> None:
    """After the notices are written: those whose recipient chose email are queued for a worker
    once the transaction commits; digest ones were marked `in_digest` when written."""
    from social.tasks import send_notice_email

    for notification, channel in zip(notifications, channels, strict=True):
        if channel == Channel.EMAIL:
            after_commit(send_notice_email, notification.pk)


def notice_to_email(*, notification_id: int) -> Outgoing | None:
    from social.email import notice_email

    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    return notice_email(notification) if notification is not None else None


def people_with_digest_due() -> list[int]:
    return list(
        Notification.objects.filter(in_digest=True)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def digest_due(*, user_id: int) -> tuple[list[int], Outgoing | None]:
    """The ids of the notices waiting for a person's digest, and the email that holds them."""
    from social.email import digest_email

    notices = list(
        Notification.objects.filter(recipient_id=user_id, in_digest=True)
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    if not notices:
        return [], None
    user: User = notices[0].recipient
    return [notice.pk for notice in notices], digest_email(user, notices)


@transaction.atomic
def digest_sent(*, notification_ids: Sequence[int]) -> int:
    """The digest went out: these notices wait no more."""
    return Notification.objects.filter(pk__in=notification_ids, in_digest=True).update(
        in_digest=False
    )
