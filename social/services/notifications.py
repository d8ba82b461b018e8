"""Notifications in the app: what happened that concerns you."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from social.models import Notification

if TYPE_CHECKING:
    from accounts.models import User


def notify(
    *,
    recipient: User,
    kind: str,
    text: str,
    actor: User | None = None,
    about: User | None = None,
    url: str = "",
) -> Notification:
    """Tell `recipient` something. Other apps add their own kinds with their own text.

    A text that names someone or their things links them: as `actor` when they did it, as
    `about` when it is only theirs (a report's outcome, a listing of theirs), so that the notice
    goes when they are erased."""
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        about=about,
        text=text[:300],
        url=url[:300],
    )


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all, or those `ids`); returns how many changed.
    Ids of other people's notifications are ignored."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
