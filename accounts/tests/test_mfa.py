"""Two-factor sign-in with allauth.mfa: after the password, the authenticator code."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.tests.conftest import totp_code, wrong_totp_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

MFA_STEP = "/accounts/2fa/authenticate/"


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_the_two_factor_step_lives_where_allauth_puts_it():
    assert reverse("mfa_authenticate") == MFA_STEP


def test_enabling_totp_stores_an_allauth_authenticator(owner, enable_totp):
    enable_totp(owner)
    assert Authenticator.objects.get(user=owner).type == Authenticator.Type.TOTP


def test_with_totp_the_password_alone_does_not_sign_in(client, owner, enable_totp):
    enable_totp(owner)
    response = sign_in(client, owner.email)
    assert response.status_code == 302
    assert response["Location"] == MFA_STEP
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("api-me")).status_code in (401, 403)


def test_a_wrong_code_is_refused(client, owner, enable_totp):
    secret = enable_totp(owner)
    sign_in(client, owner.email)
    response = client.post(MFA_STEP, {"code": wrong_totp_code(secret)})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_the_current_code_completes_the_sign_in(client, owner, enable_totp):
    secret = enable_totp(owner)
    sign_in(client, owner.email)
    response = client.post(MFA_STEP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_the_code_step_cannot_be_reached_without_the_password(client, owner, enable_totp):
    secret = enable_totp(owner)
    response = client.post(MFA_STEP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_members_without_two_factor_sign_in_with_the_password(client, owner):
    response = sign_in(client, owner.email)
    assert response["Location"] != MFA_STEP
    assert client.session["_auth_user_id"] == str(owner.pk)
