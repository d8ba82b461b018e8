"""The events that now send a notice (and so, as chosen, an email): a password changed, a
sign-in from a new browser, a rating received, an account deletion scheduled and called off."""

from __future__ import annotations

from django.urls import reverse

from marketplace.services import ratings
from privacy.services.erasure import erasure_cancel_at_login, erasure_request
from social.models import KnownDevice, Notification
from tests.factories import PASSWORD, make_sale, marlin_for_sale

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def kinds(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def sign_in(client, person, user_agent: str):
    return client.post(
        reverse("account_login"),
        {"login": person.email, "password": PASSWORD},
        HTTP_USER_AGENT=user_agent,
    )


def test_a_password_change_is_told_and_emailed(client, owner, mailoutbox):
    client.force_login(owner)
    new = "a long and unusual pass phrase"
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )

    assert kinds(owner) == ["security_password_changed"]
    [message] = mailoutbox
    assert "password was changed" in message.subject
    assert "List-Unsubscribe" not in message.extra_headers  # security cannot be switched off


def test_a_sign_in_from_a_new_browser_is_told_but_not_the_first_or_a_known_one(
    client, owner, mailoutbox
):
    sign_in(client, owner, FIREFOX)
    client.logout()
    sign_in(client, owner, FIREFOX)
    client.logout()
    assert kinds(owner) == []

    sign_in(client, owner, PHONE)

    assert kinds(owner) == ["security_new_device"]
    assert "iPhone" in mailoutbox[0].body
    assert KnownDevice.objects.filter(user=owner).count() == 2


def test_a_rating_received_is_told(owner, buyer, mailoutbox):
    sale = make_sale(marlin_for_sale(owner), buyer)
    mailoutbox.clear()

    ratings.rating_give(rater=buyer, purchase=sale, stars=5)

    [notice] = Notification.objects.filter(recipient=owner, kind="market_rated")
    assert "5 of 5 stars" in notice.text
    assert [m.to for m in mailoutbox] == [[owner.email]]


def test_an_account_deletion_scheduled_and_called_off_is_told(owner, mailoutbox):
    erasure_request(user=owner, password=PASSWORD)
    erasure_cancel_at_login(user=owner)

    assert sorted(kinds(owner)) == ["erasure_cancelled", "erasure_scheduled"]
    subjects = [message.subject for message in mailoutbox]
    assert any("will be deleted on" in subject for subject in subjects)
    assert any("will not be deleted" in subject for subject in subjects)
