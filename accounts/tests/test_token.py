"""POST/DELETE /api/auth/token/: API tokens for people who prove who they are."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.conftest import totp_code, wrong_totp_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/auth/token/"


def obtain(email: str, password: str = PASSWORD, **extra):
    return APIClient().post(URL, {"email": email, "password": password, **extra}, format="json")


def test_the_url_is_named_api_token():
    assert reverse("api-token") == URL


def test_a_verified_member_gets_a_token_with_email_and_password(owner):
    response = obtain(owner.email)
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=owner).key}


def test_the_email_address_is_matched_whatever_its_case(owner):
    response = obtain(owner.email.upper())
    assert response.status_code == 200


def test_asking_twice_gives_the_same_token(owner):
    assert obtain(owner.email).json() == obtain(owner.email).json()


def test_the_token_signs_requests_in(owner):
    token = obtain(owner.email).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get(reverse("api-me"))
    assert response.status_code == 200
    assert response.json()["email"] == owner.email


def test_a_wrong_password_is_refused_with_the_error_body(owner):
    response = obtain(owner.email, "not the password")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(owner):
    wrong_password = obtain(owner.email, "not the password")
    unknown_email = obtain("nobody@example.com", "not the password")
    assert unknown_email.status_code == wrong_password.status_code == 400
    assert unknown_email.json() == wrong_password.json()


def test_missing_fields_are_named(db):
    response = APIClient().post(URL, {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email", "password"}


def test_a_deactivated_account_gets_no_token(owner):
    owner.is_active = False
    owner.save()
    response = obtain(owner.email)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_inactive"
    assert not Token.objects.exists()


def test_a_deactivated_account_with_a_wrong_password_learns_nothing(owner):
    owner.is_active = False
    owner.save()
    response = obtain(owner.email, "not the password")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_an_unconfirmed_address_is_refused_with_a_clear_message(db):
    user = User.objects.create_user(email="new@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = obtain(user.email)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "email_unverified"
    assert "Confirm your email address" in error["message"]
    assert not Token.objects.exists()


def test_two_factor_members_must_send_their_code(owner, enable_totp):
    enable_totp(owner)
    response = obtain(owner.email)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "mfa_required"
    assert not Token.objects.exists()


def test_a_wrong_two_factor_code_is_refused(owner, enable_totp):
    secret = enable_totp(owner)
    response = obtain(owner.email, code=wrong_totp_code(secret))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "mfa_invalid"
    assert not Token.objects.exists()


def test_the_current_two_factor_code_gets_a_token(owner, enable_totp):
    secret = enable_totp(owner)
    response = obtain(owner.email, code=totp_code(secret))
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=owner).key}


def test_a_two_factor_code_works_only_once(owner, enable_totp):
    secret = enable_totp(owner)
    code = totp_code(secret)
    assert obtain(owner.email, code=code).status_code == 200
    replay = obtain(owner.email, code=code)
    assert replay.status_code == 400
    assert replay.json()["error"]["code"] == "mfa_invalid"


def test_the_code_is_not_asked_before_the_password_is_right(owner, enable_totp):
    secret = enable_totp(owner)
    response = obtain(owner.email, "not the password", code=totp_code(secret))
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_failed_attempts_are_rate_limited_then_even_the_right_password_waits(owner):
    # ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per address in 5 minutes.
    for _ in range(5):
        assert obtain(owner.email, "guess").status_code == 400
    response = obtain(owner.email)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert "Too many failed sign-in attempts" in response.json()["error"]["message"]
    assert not Token.objects.exists()


def test_successful_attempts_do_not_count_towards_the_limit(owner):
    for _ in range(7):
        assert obtain(owner.email).status_code == 200


def test_the_rate_limit_lives_in_the_cache(owner):
    from django.core.cache import cache

    for _ in range(5):
        obtain(owner.email, "guess")
    assert obtain(owner.email).status_code == 429
    cache.clear()
    assert obtain(owner.email).status_code == 200


def test_failed_logins_on_the_web_page_count_for_the_api_too(owner, client):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": owner.email, "password": "guess"})
    assert obtain(owner.email).status_code == 429


def test_wrong_two_factor_codes_are_rate_limited(owner, enable_totp):
    secret = enable_totp(owner)
    wrong = wrong_totp_code(secret)
    for _ in range(5):
        assert obtain(owner.email, code=wrong).status_code == 400
    assert obtain(owner.email, code=totp_code(secret)).status_code == 429


def test_revoking_the_token_signs_the_client_out(owner):
    token = obtain(owner.email).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete(URL).status_code == 204
    assert not Token.objects.filter(user=owner).exists()
    # Session authentication comes first, so DRF answers 403 rather than 401 here.
    refused = api.get(reverse("api-me"))
    assert refused.status_code in (401, 403)
    assert refused.json()["error"]["code"] == "authentication_failed"


def test_a_new_token_after_revoking_is_a_different_one(owner):
    first = obtain(owner.email).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    api.delete(URL)
    assert obtain(owner.email).json()["token"] != first


def test_revoking_needs_a_signed_in_client(db):
    response = APIClient().delete(URL)
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_the_endpoint_is_documented_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    operations = schema["paths"]["/api/auth/token/"]
    assert operations["post"]["operationId"] == "auth_token_obtain"
    assert operations["delete"]["operationId"] == "auth_token_revoke"
    assert {"200", "400", "403", "429"} <= set(operations["post"]["responses"])
