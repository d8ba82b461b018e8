"""Sign up, confirm the address, sign in and out: allauth with Bazaar's settings."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import get_cache_key, parse_rates
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual pass phrase"


def sign_up(
    client,
    email: str = "newcomer@example.com",
    password: str = NEW_PASSWORD,
    name: str = "Nora Newcomer",
):
    return client.post(
        reverse("account_signup"),
        {"name": name, "email": email, "password1": password, "password2": password},
    )


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


# --- Sign up and confirmation ---------------------------------------------------------------


def test_signing_up_sends_a_confirmation_mail_and_does_not_sign_in(client, mailoutbox):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="newcomer@example.com")
    assert user.profile is not None
    assert not EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["newcomer@example.com"]
    confirmation_path(mailoutbox[0])


def test_sign_up_asks_for_the_name_people_will_see(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert page.index("Your name") < page.index("Email")
    sign_up(client, name="  Nora   Newcomer ")
    assert User.objects.get().display_name == "Nora Newcomer"


def test_a_blank_name_is_a_form_error_and_nothing_is_made(client, mailoutbox):
    response = sign_up(client, name="   ")
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not User.objects.exists()
    assert mailoutbox == []


def test_the_email_address_is_stored_in_lower_case(client):
    sign_up(client, email="NewComer@Example.COM")
    assert User.objects.filter(email="newcomer@example.com").exists()


def test_signing_in_is_refused_until_the_address_is_confirmed(client, mailoutbox):
    sign_up(client)
    client.logout()
    response = sign_in(client, "newcomer@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None


def test_confirming_the_address_signs_the_person_in(client, mailoutbox):
    sign_up(client)
    path = confirmation_path(mailoutbox[0])
    assert client.get(path).status_code == 200  # a page with a button, never a GET side effect
    assert not EmailAddress.objects.get(email="newcomer@example.com").verified
    response = client.post(path)
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.com")
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) == str(user.pk)


def test_after_confirming_in_another_browser_the_person_can_sign_in(client, mailoutbox):
    from django.test import Client

    sign_up(client)
    other_browser = Client()
    other_browser.post(confirmation_path(mailoutbox[0]))
    assert EmailAddress.objects.get(email="newcomer@example.com").verified
    response = sign_in(other_browser, "newcomer@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(other_browser) == str(
        User.objects.get(email="newcomer@example.com").pk
    )


def test_signing_up_with_a_taken_address_reveals_nothing_and_mails_the_owner(
    client, owner, mailoutbox
):
    fresh = sign_up(client, email="someone.new@example.com")
    mailoutbox.clear()
    client.logout()
    taken = sign_up(client, email=owner.email.upper())
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.filter(email__iexact=owner.email).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [owner.email]
    assert "already exists" in mailoutbox[0].subject.lower()
    assert "/accounts/confirm-email/" not in mailoutbox[0].body


def test_a_malformed_email_is_a_form_error(client, mailoutbox):
    response = sign_up(client, email="not-an-email")
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()
    assert mailoutbox == []


def test_a_weak_password_is_a_form_error(client):
    response = sign_up(client, password="12345678")
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.exists()


# --- Sign in and out ------------------------------------------------------------------------


def test_a_verified_member_signs_in_and_out(client, owner):
    response = sign_in(client, owner.email)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(owner.pk)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_a_wrong_password_is_a_form_error_without_saying_which_part_is_wrong(client, owner):
    wrong_password = sign_in(client, owner.email, "not the password")
    unknown_email = sign_in(client, "nobody@example.com", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert signed_in_user_id(client) is None
    assert (
        wrong_password.context["form"].non_field_errors()
        == unknown_email.context["form"].non_field_errors()
    )
    assert wrong_password.context["form"].non_field_errors()


# --- Rate limit on failed logins ------------------------------------------------------------


def failed_login_cache_key(email: str) -> str:
    """Where allauth counts failed logins for one address (its per-key rate)."""
    rate = next(
        rate
        for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])
        if rate.per == "key"
    )
    request = RequestFactory().post("/accounts/login/")
    return get_cache_key(
        request,
        app="allauth.account",
        action="login_failed",
        rate=rate,
        key=f"testserver:{email}",
    )


def test_after_five_failed_logins_even_the_right_password_is_refused(client, owner):
    for _ in range(5):
        assert sign_in(client, owner.email, "guess").status_code == 200
    response = sign_in(client, owner.email)
    assert signed_in_user_id(client) is None
    assert "Too many failed login attempts" in str(response.context["form"].non_field_errors())


def test_failed_logins_are_counted_in_the_shared_cache(client, owner):
    for _ in range(3):
        sign_in(client, owner.email, "guess")
    assert len(cache.get(failed_login_cache_key(owner.email))) == 3


def test_clearing_the_cache_lifts_the_limit(client, owner):
    for _ in range(5):
        sign_in(client, owner.email, "guess")
    assert len(cache.get(failed_login_cache_key(owner.email))) == 5
    cache.clear()
    sign_in(client, owner.email)
    assert signed_in_user_id(client) == str(owner.pk)


def test_the_limit_is_per_address(client, owner, stranger):
    for _ in range(5):
        sign_in(client, owner.email, "guess")
    sign_in(client, stranger.email)
    assert signed_in_user_id(client) == str(stranger.pk)
