"""django-allauth adapters: where Bazaar's sign-up and login flow differ from allauth's defaults."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import resolve_url


def needs_onboarding(user) -> bool:
    """A signed-in person who has not yet been through the welcome (`settings.ONBOARDING_URL`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.onboarded_at is None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    # A `next` address still wins: allauth only asks these when there is none.
    def get_signup_redirect_url(self, request) -> str:
        if needs_onboarding(request.user):
            return resolve_url(settings.ONBOARDING_URL)
        return super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request) -> str:
        if needs_onboarding(request.user):
            return resolve_url(settings.ONBOARDING_URL)
        return super().get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        name = " ".join(
            part
            for part in (
                sociallogin.account.extra_data.get("given_name")
                or sociallogin.account.extra_data.get("first_name"),
                sociallogin.account.extra_data.get("family_name")
                or sociallogin.account.extra_data.get("last_name"),
            )
            if part
        ) or sociallogin.account.extra_data.get("name", "")
        if name and not user.profile.display_name:
            user.profile.display_name = name[:80]
            user.profile.save(update_fields=["display_name", "updated_at"])
        return user
