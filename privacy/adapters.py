"""The allauth account adapter: Bazaar's (accounts.adapters) plus what privacy adds to signing in.

A person who asked for their account to be deleted is deactivated at once, and allauth turns
deactivated accounts away. During the grace period, though, signing in is how a person changes
their mind: this adapter lets an inactive account with a scheduled erasure through the same
sign-in flow (the password check, the rate limits, email verification and two-factor all still
apply) and, once every step has passed, calls the deletion off and reactivates the account.
Inactive accounts without a scheduled erasure are refused as before.

It lives here rather than in accounts because accounts must not import privacy.
"""

from __future__ import annotations

from django.contrib import messages

from accounts.adapters import AccountAdapter as BazaarAccountAdapter
from privacy.purposes import Purpose
from privacy.services.erasure import (
    CancelledErasure,
    erasure_cancel_at_login,
    scheduled_erasure_for,
)

WELCOME_BACK = "Welcome back — your account will not be deleted."
CONSENTS_BACK = "The consents you had given are restored as they were: {purposes}."
ASK_AGAIN = "Not restored: {purposes}. Look at them again on your privacy page if you wish."


def _labels(purposes) -> str:
    return ", ".join(f"“{Purpose(purpose).label}”" for purpose in purposes)


def welcome_back(cancelled: CancelledErasure) -> str:
    """What a returning person is told: the deletion is off, which consents came back as they
    were, and which did not (and why)."""
    lines = [WELCOME_BACK]
    if cancelled.consents.restored:
        lines.append(CONSENTS_BACK.format(purposes=_labels(cancelled.consents.restored)))
    if cancelled.consents.ask_again:
        reasons = "; ".join(
            f"{_labels([purpose])} ({why})" for purpose, why in cancelled.consents.ask_again
        )
        lines.append(ASK_AGAIN.format(purposes=reasons))
    return " ".join(lines)


def _returning(user) -> bool:
    return not user.is_active and scheduled_erasure_for(user) is not None


class AccountAdapter(BazaarAccountAdapter):
    def pre_login(self, request, user, **kwargs):
        if _returning(user):
            # Let the flow go on to its stages; `login` below runs only when they all passed.
            return None
        return super().pre_login(request, user, **kwargs)

    def login(self, request, user) -> None:
        if _returning(user):
            cancelled = erasure_cancel_at_login(user=user, request=request)
            if cancelled is not None:
                messages.success(request, welcome_back(cancelled))
        super().login(request, user)
