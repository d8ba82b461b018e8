"""Notices as they arrive at a real SMTP server (tests/smtp.py): headers, parts, links that
work; a dead mail server retried, logged, and never an error for whoever caused the notice."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from social.notification_kinds import Channel
from social.services.notification_preferences import channels_for
from social.services.notifications import notify
from social.tasks import send_notice_email

LINK = re.compile(r"https?://[^\s\"<>]+")


def offer_to(owner):
    return notify(
        recipient=owner,
        kind="market_offer",
        text="Bea offered 400 EUR for “Marlin”.",
        url=reverse("social:notifications"),
    )


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_a_notice_arrives_with_its_headers_and_both_parts(owner, smtp_inbox):
    assert send_notice_email.delay(offer_to(owner).pk).get() is True

    [message] = smtp_inbox.to(owner.email)
    assert message["Subject"] == "Bea offered 400 EUR for “Marlin”."
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["List-Unsubscribe"].startswith(f"<{settings.SITE_URL}/notifications/unsub")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert "Bea offered 400 EUR" in text and "Bea offered 400 EUR" in html
    assert "Bazaar" in text and "127.0.0.1" not in text + html


def test_every_link_in_a_notice_starts_at_the_site_and_works(owner, smtp_inbox, client):
    send_notice_email.delay(offer_to(owner).pk).get()
    [message] = smtp_inbox.to(owner.email)
    text, html = parts(message)
    links = set(LINK.findall(text)) | set(LINK.findall(html))
    assert len(links) >= 4  # the notice, the site, the settings, unsubscribe

    client.force_login(owner)
    for link in links:
        assert link.startswith(settings.SITE_URL), link
        response = client.get(urlsplit(link).path)
        assert response.status_code == 200, link


def test_the_one_click_post_of_a_mail_client_unsubscribes_without_signing_in(
    owner, smtp_inbox, client
):
    send_notice_email.delay(offer_to(owner).pk).get()
    [message] = smtp_inbox.to(owner.email)
    url = message["List-Unsubscribe"].strip("<>")

    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert "Stop emails about “Offers and counter-offers”" in page.text
    assert channels_for(owner)["offers"] == Channel.EMAIL

    done = client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "no more emails about “Offers and counter-offers”" in done.text
    assert channels_for(owner)["offers"] == Channel.IN_APP
    assert channels_for(owner)["messages"] == Channel.EMAIL


def test_a_bad_unsubscribe_link_is_told_not_a_500(db, client):
    response = client.post(reverse("social:unsubscribe", args=["forged:token"]))
    assert response.status_code == 400
    assert "not valid" in response.text


def test_a_security_notice_has_no_unsubscribe_header(owner, smtp_inbox):
    notice = notify(recipient=owner, kind="security_new_device", text="A new sign-in.")
    send_notice_email.delay(notice.pk).get()

    [message] = smtp_inbox.to(owner.email)
    assert message["List-Unsubscribe"] is None


def test_a_dead_mail_server_is_retried_with_backoff_then_logged(owner, dead_smtp, caplog):
    notice = offer_to(owner)
    with caplog.at_level(logging.WARNING, logger="bazaar.mail"):
        assert send_notice_email.delay(notice.pk).get() is False

    retries = [r for r in caplog.records if r.levelno == logging.WARNING]
    gave_up = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(retries) == 5
    assert len(gave_up) == 1 and "Gave up sending notice" in gave_up[0].getMessage()


def test_a_notice_caused_by_a_request_answers_even_with_a_dead_mail_server(
    owner, dead_smtp, mailoutbox, client
):
    """`mailoutbox` queues at once, so the (eager) task runs inside the request here."""
    from social.services.notification_preferences import notification_preference_set

    notification_preference_set(user=owner, group="offers", channel="email")
    client.force_login(owner)
    response = client.post(
        reverse("social:notification_settings"),
        {group: "email" for group in channels_for(owner)},
    )
    assert response.status_code == 302
    notify(recipient=owner, kind="market_offer", text="Still answers.")  # no exception


def test_the_settings_page_saves_each_choice(owner, client):
    client.force_login(owner)
    page = client.get(reverse("social:notification_settings"))
    assert "Saved searches and price drops" in page.text

    choices = channels_for(owner) | {"offers": "digest", "questions": "in_app"}
    response = client.post(reverse("social:notification_settings"), choices)

    assert response.status_code == 302
    assert channels_for(owner)["offers"] == Channel.DIGEST
    assert channels_for(owner)["questions"] == Channel.IN_APP


def test_the_settings_page_refuses_a_choice_it_does_not_offer(owner, client):
    client.force_login(owner)
    choices = channels_for(owner) | {"security": "in_app"}

    response = client.post(reverse("social:notification_settings"), choices)

    assert response.status_code == 400
    assert channels_for(owner)["security"] == Channel.EMAIL


def test_the_api_reads_and_changes_the_same_choices(owner, client):
    client.force_login(owner)
    url = reverse("api-notification-settings")

    groups = {row["key"]: row for row in client.get(url).json()}
    assert groups["offers"]["channel"] == "email"
    assert groups["security"]["choices"] == ["email"]

    changed = client.patch(url, {"offers": "digest"}, content_type="application/json")
    assert changed.status_code == 200
    assert channels_for(owner)["offers"] == Channel.DIGEST

    refused = client.patch(url, {"security": "in_app"}, content_type="application/json")
    assert refused.status_code == 400
    assert "Account security" in refused.json()["error"]["message"]
    bad = client.patch(url, {"offers": "pigeon"}, content_type="application/json")
    assert bad.status_code == 400
