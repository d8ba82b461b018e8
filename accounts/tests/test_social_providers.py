"""Google and Facebook sign-in: offered only when configured, and a full OAuth2 round trip per
provider through allauth's own OAuth code, with the provider's HTTP answers mocked
(`tests.allauth_support`, allauth's provider test support)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from http import HTTPStatus

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import User
from tests.allauth_support.mocking import MockedResponse
from tests.allauth_support.oauth2 import OAuth2TestsMixin

GOOGLE = {"APPS": [{"client_id": "google-id", "secret": "google-secret"}]}
FACEBOOK = {"APPS": [{"client_id": "facebook-id", "secret": "facebook-secret"}]}


# --- Buttons on the login page --------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_offers_no_social_login_when_none_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get(reverse("account_login")).content.decode()
    assert reverse("google_login") not in page
    assert reverse("facebook_login") not in page


@pytest.mark.django_db
def test_the_login_page_offers_google_once_it_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"google": GOOGLE}
    page = client.get(reverse("account_login")).content.decode()
    assert reverse("google_login") in page
    assert reverse("facebook_login") not in page


@pytest.mark.django_db
def test_the_login_page_offers_facebook_once_it_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"facebook": FACEBOOK}
    page = client.get(reverse("account_login")).content.decode()
    assert reverse("facebook_login") in page
    assert reverse("google_login") not in page


@pytest.mark.django_db
def test_the_signup_page_offers_both_when_both_are_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"google": GOOGLE, "facebook": FACEBOOK}
    page = client.get(reverse("account_signup")).content.decode()
    assert reverse("google_login") in page
    assert reverse("facebook_login") in page


def _providers_configured_by(env: dict[str, str]) -> dict:
    """Import the settings module in a fresh interpreter with `env` and read its providers."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GOOGLE_", "FACEBOOK_"))
    }
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, config.settings as s; print(json.dumps(s.SOCIALACCOUNT_PROVIDERS))",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def test_settings_enable_a_provider_only_when_its_client_id_is_set():
    assert _providers_configured_by({}) == {}
    both = _providers_configured_by(
        {
            "GOOGLE_CLIENT_ID": "g-id",
            "GOOGLE_CLIENT_SECRET": "g-secret",
            "FACEBOOK_CLIENT_ID": "f-id",
            "FACEBOOK_CLIENT_SECRET": "f-secret",
        }
    )
    assert both["google"]["APPS"] == [{"client_id": "g-id", "secret": "g-secret"}]
    assert both["facebook"]["APPS"] == [{"client_id": "f-id", "secret": "f-secret"}]
    assert set(_providers_configured_by({"GOOGLE_CLIENT_ID": "g-id"})) == {"google"}


# --- Google ---------------------------------------------------------------------------------


class GoogleLoginTests(OAuth2TestsMixin, TestCase):
    """allauth's OAuth2 provider tests, run against Bazaar's settings and adapters."""

    provider_id = "google"

    def setUp(self):
        super().setUp()
        self.email = "Raymond.Penners@Example.com"
        self.identity_overwrites: dict = {}

    def get_expected_to_str(self):
        return self.email

    def get_login_response_json(self, with_refresh_token=True):
        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "azp": self.app.client_id,
            "aud": self.app.client_id,
            "sub": "108204268033311374519",
            "email": self.email,
            "email_verified": True,
            "name": "Raymond Penners",
            "given_name": "Raymond",
            "family_name": "Penners",
            "iat": now,
            "exp": now + 3600,
            **self.identity_overwrites,
        }
        data = {
            "access_token": self.get_access_token(),
            "expires_in": 3600,
            "token_type": "Bearer",
            "id_token": jwt.encode(claims, "not-checked-when-fetched-directly-from-google"),
        }
        if with_refresh_token:
            data["refresh_token"] = self.get_refresh_token()
        return json.dumps(data)

    # Google's identity comes in the id_token: no profile request to mock, so the mixin's
    # login tests (which skip without a mocked profile response) are run here explicitly.
    @override_settings(SOCIALACCOUNT_AUTO_SIGNUP=False)
    def test_login(self):
        response = self.login(resp_mock=None)
        self.assertRedirects(response, reverse("socialaccount_signup"))

    @override_settings(SOCIALACCOUNT_AUTO_SIGNUP=False)
    def test_login_with_pkce_enabled(self):
        with self.settings(SOCIALACCOUNT_PROVIDERS={"google": {"OAUTH_PKCE_ENABLED": True}}):
            response = self.login(resp_mock=None)
        self.assertRedirects(response, reverse("socialaccount_signup"))

    @override_settings(SOCIALACCOUNT_AUTO_SIGNUP=False)
    def test_login_with_pkce_disabled(self):
        with self.settings(SOCIALACCOUNT_PROVIDERS={"google": {"OAUTH_PKCE_ENABLED": False}}):
            response = self.login(resp_mock=None)
        self.assertRedirects(response, reverse("socialaccount_signup"))

    def test_a_verified_google_address_signs_up_and_in_with_a_display_name(self):
        response = self.login(resp_mock=None)
        # A new member is welcomed first: what their data may be used for, all off.
        self.assertRedirects(response, settings.ONBOARDING_URL, fetch_redirect_response=False)
        user = User.objects.get()
        assert user.email == "raymond.penners@example.com"
        assert not user.has_usable_password()
        assert EmailAddress.objects.get(user=user).verified
        assert user.profile.display_name == "Raymond Penners"
        assert SocialAccount.objects.get(user=user).provider == "google"
        assert self.client.session["_auth_user_id"] == str(user.pk)

    def test_an_unverified_google_address_must_be_confirmed_before_first_use(self):
        self.identity_overwrites = {"email_verified": False}
        with self.captureOnCommitCallbacks(execute=True):  # emails are queued after commit
            response = self.login(resp_mock=None)
        self.assertRedirects(
            response, reverse("account_email_verification_sent"), fetch_redirect_response=False
        )
        assert "_auth_user_id" not in self.client.session
        user = User.objects.get()
        assert not EmailAddress.objects.get(user=user).verified
        from django.core import mail

        assert [message.to for message in mail.outbox] == [["raymond.penners@example.com"]]

    def test_a_forged_token_for_another_app_is_refused(self):
        self.identity_overwrites = {"aud": "someone-else"}
        response = self.login(resp_mock=None)
        self.assertTemplateUsed(response, "socialaccount/authentication_error.html")
        assert not User.objects.exists()


class RefusedResponse(MockedResponse):
    """A provider answer with an error status that, like `requests`, raises when checked."""

    def raise_for_status(self):
        raise requests.HTTPError(f"{self.status_code} from the provider", response=self)


# --- Facebook -------------------------------------------------------------------------------


class FacebookLoginTests(OAuth2TestsMixin, TestCase):
    provider_id = "facebook"

    facebook_data = {
        "id": "630595557",
        "name": "Raymond Penners",
        "first_name": "Raymond",
        "last_name": "Penners",
        "email": "raymond.penners@example.com",
        "link": "https://www.facebook.com/raymond.penners",
    }

    def get_mocked_response(self, data=None):
        return MockedResponse(HTTPStatus.OK, json.dumps(data or self.facebook_data))

    def get_expected_to_str(self):
        return "raymond.penners@example.com"

    def test_a_facebook_sign_up_must_confirm_the_address_before_first_use(self):
        response = self.login(self.get_mocked_response())
        self.assertRedirects(
            response, reverse("account_email_verification_sent"), fetch_redirect_response=False
        )
        assert "_auth_user_id" not in self.client.session
        user = User.objects.get()
        assert user.profile.display_name == "Raymond Penners"
        assert SocialAccount.objects.get(user=user).uid == "630595557"
        assert not EmailAddress.objects.get(user=user).verified

    @override_settings(SOCIALACCOUNT_PROVIDERS={"facebook": {"VERIFIED_EMAIL": True}})
    def test_a_facebook_address_trusted_as_verified_signs_in_at_once(self):
        response = self.login(self.get_mocked_response())
        self.assertRedirects(response, settings.ONBOARDING_URL, fetch_redirect_response=False)
        user = User.objects.get()
        assert self.client.session["_auth_user_id"] == str(user.pk)
        assert EmailAddress.objects.get(user=user).verified

    def test_an_error_from_facebook_shows_the_authentication_error_page(self):
        response = self.login(
            RefusedResponse(HTTPStatus.BAD_REQUEST, json.dumps({"error": "bad token"}))
        )
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.UNAUTHORIZED)
        self.assertTemplateUsed(response, "socialaccount/authentication_error.html")
        assert not User.objects.exists()
