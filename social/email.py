"""Notices by email: one message per notice, or one daily digest of many.

An email says no more than the notice in the app (its text and a link to where it is acted on),
addressed to the account's email. Every email of a group that can be switched off carries a
one-click unsubscribe (RFC 8058: `List-Unsubscribe` and `List-Unsubscribe-Post`) that switches
that group, and only it, to the app. Links use the public address, `SITE_URL`. The UI has one
language, English; the messages are rendered in it (`LANGUAGE_CODE`) whatever the worker's
locale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.mail import Outgoing, absolute
from social.notification_kinds import Group, group_of
from social.services.notification_preferences import unsubscribe_token

if TYPE_CHECKING:
    from accounts.models import User
    from social.models import Notification

PRODUCT = "Bazaar"
SUBJECT_MAX_LENGTH = 100


def _unsubscribe(user: User, group: Group) -> tuple[str, dict[str, str]]:
    """The unsubscribe address and its headers, or nothing for a group always emailed."""
    if not group.can_unsubscribe:
        return "", {}
    url = absolute(
        reverse("social:unsubscribe", args=[unsubscribe_token(user=user, group=group.key)])
    )
    return url, {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _render(name: str, context: dict) -> tuple[str, str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject: str = render_to_string(f"social/email/{name}_subject.txt", context)
        text: str = render_to_string(f"social/email/{name}.txt", context)
        html = render_to_string(f"social/email/{name}.html", context)
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX_LENGTH:
        subject = subject[: SUBJECT_MAX_LENGTH - 1] + "…"
    return subject, text.strip() + "\n", html


def _common(user: User) -> dict:
    return {
        "product": PRODUCT,
        "site_url": settings.SITE_URL,
        "settings_url": absolute(reverse("social:notification_settings")),
        "notifications_url": absolute(reverse("social:notifications")),
        "email": user.email,
    }


def notice_email(notification: Notification) -> Outgoing | None:
    """The email of one notice, or None when its kind is not emailed at all."""
    group = group_of(notification.kind)
    recipient = notification.recipient
    if group is None or not recipient.email:
        return None
    unsubscribe_url, headers = _unsubscribe(recipient, group)
    context = {
        **_common(recipient),
        "group": group,
        "text": notification.text,
        "url": absolute(notification.url or reverse("social:notifications")),
        "unsubscribe_url": unsubscribe_url,
    }
    subject, text, html = _render("notice", context)
    return _outgoing(recipient, subject, text, html, headers)


def digest_email(user: User, notices: Sequence[Notification]) -> Outgoing | None:
    """One email with every notice waiting for `user`'s digest, grouped; None if none."""
    if not notices or not user.email:
        return None
    sections: dict[str, dict] = {}
    for notice in notices:
        group = group_of(notice.kind)
        if group is None:
            continue
        section = sections.setdefault(
            group.key,
            {"group": group, "notices": [], "unsubscribe_url": _unsubscribe(user, group)[0]},
        )
        section["notices"].append(
            {"text": notice.text, "url": absolute(notice.url or reverse("social:notifications"))}
        )
    if not sections:
        return None
    headers: dict[str, str] = {}
    if len(sections) == 1:  # one group: its one-click unsubscribe applies to the whole email
        only = next(iter(sections.values()))
        headers = _unsubscribe(user, only["group"])[1]
    context = {**_common(user), "sections": list(sections.values()), "count": len(notices)}
    subject, text, html = _render("digest", context)
    return _outgoing(user, subject, text, html, headers)


def _outgoing(user: User, subject: str, text: str, html: str, headers: dict) -> Outgoing:
    outgoing: Outgoing = {"to": [user.email], "subject": subject, "text": text, "html": html}
    if headers:
        outgoing["headers"] = headers
    return outgoing
