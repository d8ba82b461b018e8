"""django-allauth adapters: where Bazaar's sign-up and login flow differ from allauth's defaults."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.urls import reverse

from accounts.mail import Outgoing, absolute, queue
from config.clients import client_ip


def needs_onboarding(user) -> bool:
    """A signed-in person who has not yet been through the welcome (`settings.ONBOARDING_URL`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.onboarded_at is None


@dataclass(frozen=True)
class Site:
    """What allauth's email templates call `current_site`: the product, at its public address
    (never the host a request happened to use)."""

    name: str
    domain: str


def public_site() -> Site:
    return Site(name="Bazaar", domain=urlsplit(settings.SITE_URL).netloc)


def _public(url: object) -> object:
    """A link of allauth's (built from the request's host) at the public address instead."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return url
    parts = urlsplit(url)
    return absolute(parts.path + (f"?{parts.query}" if parts.query else ""))


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The client's address behind the trusted proxies (config/clients.py): allauth's rate
        limits count per person, not per proxy."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails (verification, password reset...), rendered now and sent by a Celery
        worker after the transaction commits: a mail server that does not answer never turns
        sign-up or a password reset into an error (`accounts.mail`)."""
        links = {key: _public(value) for key, value in context.items() if key.endswith("_url")}
        message = self.render_mail(
            template_prefix,
            email,
            {"email": email, **context, **links, "current_site": public_site()},
        )
        outgoing: Outgoing = {
            "to": list(message.to),
            "subject": message.subject,
            "text": str(message.body),
        }
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                outgoing["html"] = str(content)
        queue(outgoing)

    # Links in emails lead to the public address, whatever host the request came through.
    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = super().get_reset_password_from_key_url(key)
        return absolute(urlsplit(path).path)

    def send_account_already_exists_mail(self, email: str) -> None:
        """Sign-up with an address that has an account: the same answer as a new one (allauth's
        enumeration prevention), and about the same time: the password is hashed as it would
        have been for a new account."""
        make_password(secrets.token_urlsafe())
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": absolute(reverse("account_signup")),
                "password_reset_url": absolute(reverse("account_reset_password")),
            },
        )

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
