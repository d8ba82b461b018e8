"""The admin signs in through allauth: its rate limits and two-factor step apply there too."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.tests.conftest import totp_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

MFA_STEP = "/accounts/2fa/authenticate/"


def test_the_admin_login_page_sends_visitors_to_allauths_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == ["/admin/"]


def test_the_admin_form_itself_cannot_be_used_to_sign_in(client, moderator):
    client.post("/admin/login/", {"username": moderator.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_staff_with_two_factor_pass_the_code_step_before_the_admin_opens(
    client, moderator, enable_totp
):
    secret = enable_totp(moderator)
    response = client.post(
        reverse("account_login"),
        {"login": moderator.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert response["Location"] == MFA_STEP
    assert client.get("/admin/").status_code == 302  # still on the way to the login
    response = client.post(MFA_STEP, {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_signed_in_staff_reach_the_admin(client_for, moderator):
    client = client_for(moderator)
    assert client.get("/admin/").status_code == 200
    # Already signed in: the admin login page lets them through to the admin.
    assert client.get("/admin/login/?next=/admin/").status_code == 302


def test_members_who_are_not_staff_get_no_admin(client_for, owner):
    client = client_for(owner)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code != 200
