"""Account security notices: a password changed, a sign-in from a new browser. Always emailed
(`social.notification_kinds`: "Account security" offers no other choice).

A "device" is kept simple: a hash of the browser's user agent (`KnownDevice`). The first
sign-in of an account records its browser without a notice; a later sign-in from a user agent
not seen before is told. A browser update changes the user agent, so it is told once too: better
a notice too many than a stranger's sign-in unnoticed.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from social.models import KnownDevice
from social.services.notifications import notify

if TYPE_CHECKING:
    from accounts.models import User

LABEL_MAX_LENGTH = 200


def password_changed(*, user: User) -> None:
    notify(
        recipient=user,
        kind="security_password_changed",
        text="Your Bazaar password was changed. If it was not you, reset it now and check "
        "your two-factor settings.",
        url=reverse("account_reset_password"),
    )


@transaction.atomic
def signed_in_from(*, user: User, user_agent: str) -> bool:
    """Record the browser a person signed in from; tell them when it is a new one (not on their
    first sign-in ever). Returns whether they were told."""
    fingerprint = hashlib.sha256(user_agent.encode()).hexdigest()
    label = user_agent[:LABEL_MAX_LENGTH] or "Unknown browser"
    known = KnownDevice.objects.filter(user=user)
    had_any = known.exists()
    device, made = KnownDevice.objects.get_or_create(
        user=user, fingerprint=fingerprint, defaults={"label": label}
    )
    if not made:
        device.save(update_fields=["last_seen"])
        return False
    if not had_any:
        return False
    notify(
        recipient=user,
        kind="security_new_device",
        text=f"New sign-in to your Bazaar account from a browser not seen before: {label}. "
        "If it was not you, change your password now.",
        url=reverse("account_change_password"),
    )
    return True
