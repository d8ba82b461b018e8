"""How each group of notices reaches a person, and the one-click unsubscribe from an email."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.core import signing
from django.db import transaction

from config.errors import DomainError
from social.models import Notification, NotificationPreference
from social.notification_kinds import GROUPS, Channel, Group, group_named, group_of

if TYPE_CHECKING:
    from accounts.models import User

UNSUBSCRIBE_SALT = "social.unsubscribe"


def channels_for(user: User) -> dict[str, Channel]:
    """The person's channel for every group: their choice, else the group's default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("group", "channel"))
    return {group.key: _allowed(group, chosen.get(group.key)) for group in GROUPS}


def _allowed(group: Group, channel: str | None) -> Channel:
    """A stored choice the group still offers, else its default (a group may lose a choice)."""
    if channel in group.choices:
        return Channel(channel)
    return group.default


def channel_for(user: User, kind: str) -> Channel:
    """How a notice of `kind` reaches `user` (kinds in no group: in the app only)."""
    group = group_of(kind)
    if group is None:
        return Channel.IN_APP
    chosen = (
        NotificationPreference.objects.filter(user=user, group=group.key)
        .values_list("channel", flat=True)
        .first()
    )
    return _allowed(group, chosen)


def channels_among(user_ids: Iterable[int]) -> Callable[[int, str], Channel]:
    """`channel_for` for many people at once (one query): a function of (person id, kind)."""
    chosen = {
        (user_id, group): channel
        for user_id, group, channel in NotificationPreference.objects.filter(
            user_id__in=list(user_ids)
        ).values_list("user_id", "group", "channel")
    }

    def channel(user_id: int, kind: str) -> Channel:
        group = group_of(kind)
        if group is None:
            return Channel.IN_APP
        return _allowed(group, chosen.get((user_id, group.key)))

    return channel


@transaction.atomic
def notification_preference_set(*, user: User, group: str, channel: str) -> Channel:
    """Choose how one group of notices reaches `user`. Raises DomainError for a group that does
    not exist or a channel it does not offer (account security is always emailed)."""
    found = group_named(group)
    if found is None:
        raise DomainError("There is no such kind of notice.", field="group", code="bad_group")
    if channel not in found.choices:
        raise DomainError(
            f"“{found.label}” can be received only: "
            + ", ".join(str(Channel(c).label).lower() for c in found.choices)
            + ".",
            field=found.key,
            code="bad_channel",
        )
    NotificationPreference.objects.update_or_create(
        user=user, group=found.key, defaults={"channel": channel}
    )
    if channel != Channel.DIGEST:  # what waited for the digest stays in the app only
        Notification.objects.filter(recipient=user, in_digest=True, kind__in=found.kinds).update(
            in_digest=False
        )
    return Channel(channel)


def unsubscribe_token(*, user: User, group: str) -> str:
    """A signed token naming one person and one group: what the unsubscribe link carries. It
    never expires (an old email's link still works) and changes nothing else."""
    return signing.dumps({"u": user.pk, "g": group}, salt=UNSUBSCRIBE_SALT, compress=False)


def unsubscribe_target(token: str) -> tuple[int, Group]:
    """Who and which group a token names. Raises DomainError for a token that is not ours, was
    altered, or names a group that cannot be unsubscribed from."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, key = int(data["u"]), str(data["g"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(
            "This unsubscribe link is not valid. Choose your emails in your notification "
            "settings instead.",
            code="bad_token",
        ) from None
    group = group_named(key)
    if group is None or not group.can_unsubscribe:
        raise DomainError("These emails cannot be switched off.", code="bad_token")
    return user_id, group


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, Group]:
    """One-click unsubscribe (RFC 8058): the group the token names goes to the app only, for the
    person it names; nothing else changes. No sign-in: the signed token is the permission.
    Raises DomainError for a bad token or an account that no longer exists."""
    from accounts.models import User

    user_id, group = unsubscribe_target(token)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise DomainError("This account no longer exists.", code="bad_token")
    notification_preference_set(user=user, group=group.key, channel=Channel.IN_APP)
    return user, group
