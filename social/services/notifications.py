"""Notifications in the app: what happened that concerns you."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.utils import timezone

from config.bulk import backdate
from social.models import Notification
from social.notification_kinds import Channel
from social.services.notification_email import deliver
from social.services.notification_preferences import channel_for, channels_among

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
    goes when they are erased.

    It reaches them as they chose for its kind (`social.notification_kinds`): an email queued
    once the transaction commits, or a place in their daily digest, besides the app."""
    channel = channel_for(recipient, kind)
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        about=about,
        in_digest=channel == Channel.DIGEST,
        **_fitted(text, url),
    )
    deliver([notification], [channel])
    return notification


class Notice(TypedDict):
    """What a notice says and where it leads, as the services that tell it write it."""

    text: str
    url: str


def _fitted(text: str, url: str) -> Notice:
    """A notice's text and link as they are kept: cut to what the table holds."""
    return {"text": text[:300], "url": url[:300]}


def _channels(pairs: Sequence[tuple[int, str]]) -> list[Channel]:
    chosen = channels_among({recipient_id for recipient_id, _ in pairs})
    return [chosen(recipient_id, kind) for recipient_id, kind in pairs]


@dataclass(frozen=True)
class NewNotification:
    """A notice to write in bulk (`notify`'s arguments, by id), with when it was made and, if the
    recipient has seen it, when."""

    recipient_id: int
    kind: str
    text: str
    actor_id: int | None = None
    about_id: int | None = None
    url: str = ""
    at: datetime | None = None
    read_at: datetime | None = None


@transaction.atomic
def notifications_create(
    *, notices: Sequence[NewNotification], deliver_now: bool = False
) -> list[Notification]:
    """`notify` for many notices at once (the demo, imports), back-dated to each `at`. Returns
    the rows written. Only with `deliver_now` (events as they happen, such as a price drop told
    to every watcher) are they emailed or kept for the digest as their recipients chose: the
    demo's and an import's notices are history, not news."""
    channels = (
        _channels([(notice.recipient_id, notice.kind) for notice in notices])
        if deliver_now
        else [Channel.IN_APP] * len(notices)
    )
    written = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=notice.recipient_id,
                kind=notice.kind,
                actor_id=notice.actor_id,
                about_id=notice.about_id,
                read_at=notice.read_at,
                in_digest=channel == Channel.DIGEST,
                **_fitted(notice.text, notice.url),
            )
            for notice, channel in zip(notices, channels, strict=True)
        ],
        batch_size=200,
    )
    backdate(written, {"created_at": [notice.at for notice in notices]})
    deliver(written, channels)
    return written


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all, or those `ids`); returns how many changed.
    Ids of other people's notifications are ignored."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
