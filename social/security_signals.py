"""allauth's account events that become security notices (`social.services.security`)."""

from __future__ import annotations

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from social.services import security


@receiver(password_changed, dispatch_uid="social.password_changed")
@receiver(password_set, dispatch_uid="social.password_set")
@receiver(password_reset, dispatch_uid="social.password_reset")
def tell_password_changed(sender, request, user, **kwargs) -> None:
    security.password_changed(user=user)


@receiver(user_logged_in, dispatch_uid="social.signed_in")
def tell_new_device(sender, request, user, **kwargs) -> None:
    """Every sign-in with a browser (the password form, a social login, the admin's); the test
    client's `force_login` has no request and is not a browser."""
    if request is None:
        return
    security.signed_in_from(user=user, user_agent=request.META.get("HTTP_USER_AGENT", ""))
