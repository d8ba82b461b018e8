"""Notices by email: each person's choice per group, what gets queued, the digest, and the
one-click unsubscribe's token and scope."""

from __future__ import annotations

import pytest
from django.core import mail, signing

from config.errors import DomainError
from social.models import Notification, NotificationPreference
from social.notification_kinds import GROUPS, Channel, group_of
from social.services.notification_email import digest_due
from social.services.notification_preferences import (
    channel_for,
    channels_for,
    notification_preference_set,
    unsubscribe,
    unsubscribe_target,
    unsubscribe_token,
)
from social.services.notifications import NewNotification, notifications_create, notify
from social.tasks import send_digest, send_digests


def offer_notice(recipient, **kwargs) -> Notification:
    return notify(
        recipient=recipient, kind="market_offer", text="Bea offered 400 EUR for “Marlin”.", **kwargs
    )


def test_every_kind_belongs_to_one_group_at_most():
    kinds = [kind for group in GROUPS for kind in group.kinds]
    assert len(kinds) == len(set(kinds))


def test_deals_are_emailed_searches_digested_and_security_always_emailed_by_default(owner):
    chosen = channels_for(owner)
    assert chosen["offers"] == chosen["messages"] == chosen["sales"] == Channel.EMAIL
    assert chosen["saved_searches"] == Channel.DIGEST
    assert chosen["security"] == Channel.EMAIL
    assert channel_for(owner, "friend_request") == Channel.IN_APP  # in no group: the app only


def test_a_person_chooses_per_group(owner, stranger):
    notification_preference_set(user=owner, group="offers", channel="digest")

    assert channel_for(owner, "market_offer_countered") == Channel.DIGEST
    assert channel_for(owner, "market_question") == Channel.EMAIL
    assert channel_for(stranger, "market_offer") == Channel.EMAIL


def test_account_security_cannot_be_kept_out_of_email(owner):
    with pytest.raises(DomainError, match="Account security"):
        notification_preference_set(user=owner, group="security", channel="in_app")
    with pytest.raises(DomainError, match="no such kind"):
        notification_preference_set(user=owner, group="spam", channel="email")


def test_an_emailed_notice_is_queued_only_when_the_transaction_commits(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        offer_notice(owner)
        assert mail.outbox == []
    assert len(queued) == 1
    assert [message.to for message in mail.outbox] == [[owner.email]]


def test_a_notice_kept_in_the_app_queues_nothing(owner, django_capture_on_commit_callbacks):
    notification_preference_set(user=owner, group="offers", channel="in_app")
    with django_capture_on_commit_callbacks() as queued:
        notice = offer_notice(owner)
    assert queued == []
    assert not notice.in_digest


def test_an_emailed_notice_says_what_the_app_says(owner, mailoutbox):
    offer_notice(owner, url="/market/deals/")

    [message] = mailoutbox
    assert message.to == [owner.email]
    assert message.subject == "Bea offered 400 EUR for “Marlin”."
    assert "Bea offered 400 EUR" in message.body
    assert "http://localhost:8000/market/deals/" in message.body


def test_digest_notices_wait_and_go_out_as_one_email(
    owner, stranger, mailoutbox, django_capture_on_commit_callbacks
):
    for price in (300, 250):
        notify(recipient=owner, kind="market_price_drop", text=f"Price drop: now {price} EUR.")
    notify(recipient=stranger, kind="saved_search", text="New for your search “bike”.")
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):  # a worker is in no transaction
        assert send_digests.delay().get() == 2

    [to_owner] = [m for m in mailoutbox if m.to == [owner.email]]
    assert "2 notices" in to_owner.subject
    assert "now 300 EUR" in to_owner.body and "now 250 EUR" in to_owner.body
    assert not Notification.objects.filter(in_digest=True).exists()
    assert send_digest.delay(owner.pk).get() is False  # nothing waits any more


def test_the_bulk_path_emails_only_news(owner, mailoutbox):
    notice = NewNotification(recipient_id=owner.pk, kind="market_offer", text="An offer.")
    notifications_create(notices=[notice])  # the demo, an import: history
    assert mailoutbox == []

    notifications_create(notices=[notice], deliver_now=True)
    assert len(mailoutbox) == 1


def test_the_bulk_path_keeps_digest_notices_for_the_digest(owner):
    notice = NewNotification(recipient_id=owner.pk, kind="market_price_drop", text="Cheaper.")
    notifications_create(notices=[notice], deliver_now=True)

    ids, outgoing = digest_due(user_id=owner.pk)
    assert len(ids) == 1 and outgoing is not None


def test_an_unsubscribe_token_switches_its_group_for_its_person_only(owner, stranger):
    notification_preference_set(user=owner, group="questions", channel="digest")
    notification_preference_set(user=stranger, group="offers", channel="email")

    user, group = unsubscribe(token=unsubscribe_token(user=owner, group="offers"))

    assert (user, group.key) == (owner, "offers")
    assert channels_for(owner)["offers"] == Channel.IN_APP
    assert channels_for(owner)["questions"] == Channel.DIGEST
    assert channels_for(stranger)["offers"] == Channel.EMAIL


def test_an_altered_or_foreign_token_is_refused(owner, stranger):
    token = unsubscribe_token(user=owner, group="offers")
    forged = signing.dumps({"u": stranger.pk, "g": "offers"}, salt="another.salt")

    for bad in (token[:-2] + "xx", forged, "nonsense"):
        with pytest.raises(DomainError, match="not valid"):
            unsubscribe_target(bad)
    assert not NotificationPreference.objects.exists()


def test_security_emails_have_no_unsubscribe(owner):
    with pytest.raises(DomainError, match="cannot be switched off"):
        unsubscribe_target(unsubscribe_token(user=owner, group="security"))
    assert not group_of("security_new_device").can_unsubscribe


def test_leaving_the_digest_takes_the_waiting_notices_out_of_it(owner):
    notify(recipient=owner, kind="market_price_drop", text="Cheaper.")
    notify(recipient=owner, kind="market_offer", text="An offer.")
    notification_preference_set(user=owner, group="offers", channel="digest")
    notify(recipient=owner, kind="market_offer", text="Another offer.")

    unsubscribe(token=unsubscribe_token(user=owner, group="saved_searches"))

    waiting = Notification.objects.filter(recipient=owner, in_digest=True)
    assert list(waiting.values_list("text", flat=True)) == ["Another offer."]
