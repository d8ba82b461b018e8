"""allauth's emails as they arrive at a real SMTP server (tests/smtp.py), sent by Celery after
commit; and with a dead mail server, sign-up and password reset still answer as usual."""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from celery.exceptions import Retry
from django.conf import settings
from django.urls import reverse

from accounts import mail
from accounts.models import User
from accounts.tests.test_signup_login import sign_up, signed_in_user_id

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture
def at_once(emails_at_once):
    """Emails are queued at once (tests/smtp.py), so the eager task runs inside the request."""


def test_the_confirmation_email_arrives_with_a_link_at_the_site_that_signs_in(
    client, smtp_inbox, at_once
):
    sign_up(client)

    [message] = smtp_inbox.to("newcomer@example.com")
    assert message["Subject"].startswith("Bazaar: ")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Bazaar" in text and "127.0.0.1" not in text and "testserver" not in text
    [link] = [url for url in LINK.findall(text) if "/confirm-email/" in url]
    assert link.startswith(settings.SITE_URL + "/accounts/confirm-email/")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="{link}"' in html

    assert client.get(urlsplit(link).path).status_code == 200
    client.post(urlsplit(link).path)
    user = User.objects.get(email="newcomer@example.com")
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) == str(user.pk)


def test_the_reset_link_arrives_at_the_site_address(client, owner, smtp_inbox, at_once):
    client.post(reverse("account_reset_password"), {"email": owner.email})

    [message] = smtp_inbox.to(owner.email)
    text = message.get_body(preferencelist=("plain",)).get_content()
    [link] = [url for url in LINK.findall(text) if "/password/reset/key/" in url]
    assert link.startswith(settings.SITE_URL)
    assert client.get(urlsplit(link).path, follow=True).status_code == 200


def test_a_reset_for_an_unknown_address_links_to_sign_up_at_the_site(client, smtp_inbox, at_once):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    [message] = smtp_inbox.to("nobody@example.com")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"{settings.SITE_URL}/accounts/signup/" in text
    assert "testserver" not in message.as_string()


def test_a_dead_mail_server_does_not_stop_sign_up(client, dead_smtp, at_once, caplog):
    with caplog.at_level(logging.ERROR, logger="bazaar.mail"):
        response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="newcomer@example.com").exists()
    assert any("Gave up sending" in record.getMessage() for record in caplog.records)


def test_a_dead_mail_server_does_not_stop_a_password_reset(client, owner, dead_smtp, at_once):
    response = client.post(reverse("account_reset_password"), {"email": owner.email})
    assert response.status_code == 302


def test_sign_up_answers_the_same_for_a_taken_address_with_a_dead_mail_server(
    client, owner, dead_smtp, at_once
):
    fresh = sign_up(client, email="someone.new@example.com")
    client.logout()
    taken = sign_up(client, email=owner.email)
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]


def test_emails_wait_for_the_commit(client, django_capture_on_commit_callbacks, mailoutbox_later):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        sign_up(client)
    assert len(queued) >= 1
    assert mailoutbox_later == []


def test_outside_eager_mode_a_failure_is_retried_later_with_growing_waits(dead_smtp):
    retried: list[int] = []

    def retry(*, exc, countdown, max_retries):
        retried.append(countdown)
        return Retry(exc=exc, when=countdown)

    task = SimpleNamespace(request=SimpleNamespace(retries=2, is_eager=False), retry=retry)
    outgoing: mail.Outgoing = {"to": ["a@example.com"], "subject": "Hi", "text": "Hi"}
    with pytest.raises(Retry):
        mail.send_or_retry(task, outgoing, what="a test")
    assert retried == [120]
    assert [mail.backoff(n) for n in range(7)] == [30, 60, 120, 240, 300, 300, 300]


def test_send_it_again_sends_a_new_link_to_an_address_waiting_for_one(client, mailoutbox):
    sign_up(client)
    mailoutbox.clear()

    page = client.get(reverse("account_email_verification_sent"))
    assert "Send it again" in page.text
    response = client.post(reverse("verification_resend"), {"email": "Newcomer@example.com"})

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["newcomer@example.com"]]
    assert "/accounts/confirm-email/" in mailoutbox[0].body


def test_send_it_again_answers_the_same_for_any_address(client, owner, mailoutbox):
    for email in (owner.email, "nobody@example.com", ""):
        response = client.post(reverse("verification_resend"), {"email": email}, follow=True)
        assert response.status_code == 200
        assert "If that address has an account waiting" in response.text
    assert mailoutbox == []  # the owner's address is confirmed already
