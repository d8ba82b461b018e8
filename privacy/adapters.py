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
from privacy.services.erasure import erasure_cancel_at_login, scheduled_erasure_for

WELCOME_BACK = "Welcome back — your account will not be deleted."


def _returning(user) -> bool:
    return not user.is_active and scheduled_erasure_for(user) is not None


class AccountAdapter(BazaarAccountAdapter):
    def pre_login(self, request, user, **kwargs):
        if _returning(user):
            # Let the flow go on to its stages; `login` below runs only when they all passed.
            return None
        return super().pre_login(request, user, **kwargs)

    def login(self, request, user) -> None:
        if _returning(user) and erasure_cancel_at_login(user=user, request=request):
            messages.success(request, WELCOME_BACK)
        super().login(request, user)
