"""Password reset and change: no account enumeration, and the link really sets a new password."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new pass phrase"
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)")


def ask_for_reset(client, email: str):
    return client.post(reverse("account_reset_password"), {"email": email}, follow=True)


def test_reset_answers_the_same_for_a_known_and_an_unknown_address(client, owner):
    known = ask_for_reset(client, owner.email)
    unknown = ask_for_reset(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.redirect_chain[-1][0] == reverse("account_reset_password_done")
    assert [t.name for t in known.templates] == [t.name for t in unknown.templates]


def test_only_the_real_account_gets_a_reset_link(client, owner, mailoutbox):
    ask_for_reset(client, owner.email)
    ask_for_reset(client, "nobody@example.com")
    to_owner = [m for m in mailoutbox if m.to == [owner.email]]
    to_nobody = [m for m in mailoutbox if m.to == ["nobody@example.com"]]
    assert len(to_owner) == 1
    assert RESET_LINK.search(to_owner[0].body)
    # allauth tells an unknown address that it has no account (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS),
    # so the sender cannot tell the two apart by whether a mail arrives, but it holds no link.
    assert all(not RESET_LINK.search(message.body) for message in to_nobody)
    assert len(mailoutbox) == len(to_owner) + len(to_nobody)


def test_the_reset_link_sets_a_new_password(client, owner, mailoutbox):
    ask_for_reset(client, owner.email)
    link = RESET_LINK.search(mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert not owner.check_password(PASSWORD)


def test_a_reset_link_works_once(client, owner, mailoutbox):
    ask_for_reset(client, owner.email)
    link = RESET_LINK.search(mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert again.context["token_fail"]


def test_a_tampered_reset_link_is_refused(client, owner, mailoutbox):
    ask_for_reset(client, owner.email)
    link = RESET_LINK.search(mailoutbox[0].body).group(1)
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
    response = client.get(tampered, follow=True)
    assert response.context["token_fail"]
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_a_member_changes_their_password(client, client_for, owner):
    response = client_for(owner).post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is off: the person stays signed in.
    assert client.session.get("_auth_user_id") == str(owner.pk)


def test_changing_the_password_needs_the_current_one(client_for, owner):
    response = client_for(owner).post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
