"""Deleting an account: confirmed with a secret, effective at once, cancelled by signing in
again, purged after the grace period, and nobody else's data touched."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Profile, User
from config.errors import Conflict, DomainError
from privacy.models import (
    AuditEvent,
    ConsentRecord,
    ConsentState,
    ErasureRequest,
    ExportRequest,
    UsageCount,
    pseudonym_for,
)
from privacy.services.consent import consent_grant
from privacy.services.erasure import NOT_RIGHT, erasure_request, purge_user
from privacy.tasks import purge_due_erasures
from privacy.usage import record
from social.models import (
    Block,
    Circle,
    CircleMembership,
    Comment,
    FriendRequest,
    Friendship,
    Notification,
    Post,
)
from social.services import circles, posts
from tests.factories import PASSWORD, PersonFactory

WELCOME_BACK = "Welcome back — your account will not be deleted."


def totp_code(secret: str) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def sessions_of(user) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def grant_two(user) -> None:
    consent_grant(user=user, purpose="social_proof", scope="friends")
    consent_grant(user=user, purpose="insights", scope="fof")


def make_due(erasure: ErasureRequest) -> ErasureRequest:
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        purge_after=timezone.now() - timedelta(minutes=1)
    )
    erasure.refresh_from_db()
    return erasure


# --- Asking --------------------------------------------------------------------------------


def test_a_wrong_password_is_refused_and_changes_nothing(owner):
    grant_two(owner)
    Token.objects.create(user=owner)
    client = signed_in(owner)

    response = client.post(reverse("privacy:erase"), {"password": "not it"})

    assert response.status_code == 400
    assert NOT_RIGHT in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active
    assert not ErasureRequest.objects.exists()
    assert ConsentState.objects.filter(user=owner).count() == 2
    assert Token.objects.filter(user=owner).exists()
    assert client.get(reverse("privacy:erase")).status_code == 200  # still signed in


def test_no_secret_at_all_is_refused_with_a_clear_error(owner, api_client_for):
    response = api_client_for(owner).post(reverse("api-privacy-erasure"), {}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reauthentication_required"
    assert not ErasureRequest.objects.exists()


def test_the_right_password_deactivates_signs_out_everywhere_and_withdraws_consent(owner):
    grant_two(owner)
    Token.objects.create(user=owner)
    phone, laptop = signed_in(owner), signed_in(owner)
    assert sessions_of(owner) == 2

    response = laptop.post(reverse("privacy:erase"), {"password": PASSWORD}, follow=True)

    erasure = ErasureRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("privacy:erase_scheduled")
    assert erasure.purge_after.strftime("%-d %B %Y") in response.content.decode()
    owner.refresh_from_db()
    assert not owner.is_active
    assert erasure.status == ErasureRequest.Status.SCHEDULED
    assert erasure.subject == pseudonym_for(owner.pk)
    grace = timedelta(days=settings.ERASURE_GRACE_DAYS)
    assert grace - timedelta(minutes=5) < erasure.purge_after - timezone.now() <= grace
    assert sessions_of(owner) == 0
    assert phone.get(reverse("privacy:erase"))["Location"].startswith(reverse("account_login"))
    assert not Token.objects.filter(user=owner).exists()
    assert not ConsentState.objects.filter(user=owner).exists()
    withdrawn = ConsentRecord.objects.filter(user=owner, action="withdrawn", method="erasure")
    assert sorted(withdrawn.values_list("purpose", flat=True)) == ["insights", "social_proof"]
    assert AuditEvent.objects.filter(action="erasure.requested", actor=owner).exists()


def test_other_peoples_sessions_stay(owner, stranger):
    other = signed_in(stranger)

    erasure_request(user=owner, password=PASSWORD)

    assert other.get(reverse("privacy:erase")).status_code == 200


def test_a_second_request_while_scheduled_conflicts(owner):
    erasure_request(user=owner, password=PASSWORD)

    with pytest.raises(Conflict):
        erasure_request(user=owner, password=PASSWORD)
    assert ErasureRequest.objects.count() == 1


def test_the_api_schedules_it_and_says_when(owner, api_client_for):
    api = api_client_for(owner)
    assert api.get(reverse("api-privacy-erasure")).json()["status"] == "none"

    response = api.post(reverse("api-privacy-erasure"), {"password": PASSWORD}, format="json")

    assert response.status_code == 202
    erasure = ErasureRequest.objects.get(user=owner)
    assert response.json()["status"] == "scheduled"
    assert response.json()["purge_after"] == erasure.purge_after.isoformat().replace("+00:00", "Z")
    assert api.get(reverse("api-privacy-erasure")).json()["status"] == "scheduled"


def test_the_api_refuses_a_wrong_password_with_the_error_body(owner, api_client_for):
    response = api_client_for(owner).post(
        reverse("api-privacy-erasure"), {"password": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == {"code": "wrong_secret", "message": NOT_RIGHT}
    owner.refresh_from_db()
    assert owner.is_active


def test_wrong_attempts_are_rate_limited_even_before_a_right_one(owner, api_client_for):
    api = api_client_for(owner)
    for _ in range(5):
        wrong = api.post(reverse("api-privacy-erasure"), {"password": "nope"}, format="json")
        assert wrong.status_code == 400

    response = api.post(reverse("api-privacy-erasure"), {"password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_attempts"
    assert not ErasureRequest.objects.exists()


def test_a_current_two_factor_code_confirms_and_a_wrong_one_does_not(owner):
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    client = signed_in(owner)
    page = client.get(reverse("privacy:erase")).content.decode()
    assert "authenticator app" in page

    with pytest.raises(DomainError, match="not right"):
        erasure_request(user=owner, code="000000" if totp_code(secret) != "000000" else "111111")
    assert not ErasureRequest.objects.exists()

    response = client.post(reverse("privacy:erase"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert ErasureRequest.objects.filter(user=owner, status="scheduled").exists()


def test_the_page_says_what_is_deleted_kept_and_why_and_how_to_cancel(owner):
    page = signed_in(owner).get(reverse("privacy:erase")).content.decode()

    assert f"{settings.ERASURE_GRACE_DAYS} days" in page
    assert "Sign in again within that time" in page
    assert "Consent history" in page and "legal record" in page
    assert 'class="button button-danger"' in page
    assert "authenticator app" not in page  # no two-factor: the password only


# --- Coming back ---------------------------------------------------------------------------


def sign_in(client: Client, user, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_signing_in_during_the_grace_period_cancels_the_deletion(owner):
    erasure = erasure_request(user=owner, password=PASSWORD)
    client = Client()

    response = sign_in(client, owner)

    assert response.status_code == 302
    assert WELCOME_BACK in [str(m) for m in get_messages(response.wsgi_request)]
    owner.refresh_from_db()
    erasure.refresh_from_db()
    assert owner.is_active
    assert erasure.status == ErasureRequest.Status.CANCELLED
    assert erasure.cancelled_at is not None
    assert AuditEvent.objects.filter(action="erasure.cancelled", actor=owner).exists()
    assert client.get(reverse("privacy:erase")).status_code == 200  # really signed in


def consents_of(user) -> list[tuple]:
    return sorted(
        (
            state.purpose,
            state.scope,
            sorted(state.circles.values_list("pk", flat=True)),
            state.details,
        )
        for state in ConsentState.objects.filter(user=user)
    )


def test_signing_in_again_restores_every_consent_exactly_as_it_was(graph):
    owner = graph["owner"]
    circles_chosen = [graph["circle_a"].pk, graph["family"].pk]
    consent_grant(user=owner, purpose="social_proof", scope="circles", circle_ids=circles_chosen)
    consent_grant(user=owner, purpose="insights", scope="fof", details={"topics": ["bikes"]})
    before = consents_of(owner)
    erasure_request(user=owner, password=PASSWORD)
    assert consents_of(owner) == []

    response = sign_in(Client(), owner)

    assert consents_of(owner) == before
    restored = ConsentRecord.objects.filter(user=owner, method=ConsentRecord.Method.RESTORED)
    assert sorted(restored.values_list("purpose", "scope", "circle_ids")) == [
        ("insights", "fof", []),
        ("social_proof", "circles", sorted(circles_chosen)),
    ]
    [message] = [str(m) for m in get_messages(response.wsgi_request) if WELCOME_BACK in str(m)]
    assert message.startswith(WELCOME_BACK)
    assert "consents you had given are restored as they were" in message
    assert "Friends can learn from my purchases" in message


def test_a_consent_whose_notice_changed_meanwhile_is_not_restored_and_the_person_is_told(
    owner, monkeypatch
):
    import dataclasses

    from privacy import purposes

    grant_two(owner)
    erasure_request(user=owner, password=PASSWORD)
    changed = dataclasses.replace(purposes.NOTICES["insights"], version=2, text="New uses.")
    monkeypatch.setitem(purposes.NOTICES, "insights", changed)

    response = sign_in(Client(), owner)

    assert [purpose for purpose, *_ in consents_of(owner)] == ["social_proof"]
    [message] = [str(m) for m in get_messages(response.wsgi_request) if WELCOME_BACK in str(m)]
    assert "Not restored: “Anonymous insights” (what it does has changed" in message


def test_the_pages_say_that_cancelling_restores_the_consents(owner, client_for):
    page = client_for(owner).get(reverse("privacy:erase")).content.decode()

    assert "consents you had given are granted again exactly as they were" in page
    scheduled = Client().get(reverse("privacy:erase_scheduled")).content.decode()
    assert "with the consents you had given restored as they were" in scheduled


def test_a_wrong_password_at_sign_in_cancels_nothing(owner):
    erasure_request(user=owner, password=PASSWORD)

    response = sign_in(Client(), owner, password="wrong")

    assert response.status_code == 200  # the form again, with its error
    owner.refresh_from_db()
    assert not owner.is_active
    assert ErasureRequest.objects.get().status == ErasureRequest.Status.SCHEDULED


def test_an_inactive_account_without_a_scheduled_deletion_is_still_refused(owner):
    User.objects.filter(pk=owner.pk).update(is_active=False)
    client = Client()

    response = sign_in(client, owner)

    assert response["Location"] == reverse("account_inactive")
    owner.refresh_from_db()
    assert not owner.is_active
    assert client.get(reverse("privacy:erase")).status_code == 302


def test_with_two_factor_only_the_full_sign_in_cancels(owner):
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    erasure_request(user=owner, password=PASSWORD)
    client = Client()

    response = sign_in(client, owner)

    assert response["Location"] == reverse("mfa_authenticate")
    owner.refresh_from_db()
    assert not owner.is_active
    assert ErasureRequest.objects.get().status == ErasureRequest.Status.SCHEDULED

    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    owner.refresh_from_db()
    assert owner.is_active
    assert ErasureRequest.objects.get().status == ErasureRequest.Status.CANCELLED


# --- The purge -----------------------------------------------------------------------------


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def life(graph):
    """The owner's life on Bazaar, and other people's around it."""
    owner, friend_a, fof = graph["owner"], graph["friend_a"], graph["fof"]
    owner.profile.avatar.save("me.png", ContentFile(PNG))
    own_post = posts.post_create(author=owner, text="My bike")
    own_post.photo.save("bike.png", ContentFile(PNG))
    comment_by_friend = posts.comment_create(author=friend_a, post_id=own_post.pk, text="Nice")
    friends_post = posts.post_create(author=friend_a, text="Friend's post")
    posts.comment_create(author=owner, post_id=friends_post.pk, text="Owner's comment")
    friends_comment = posts.comment_create(author=fof, post_id=friends_post.pk, text="Mine")
    circle = circles.circle_create(owner=friend_a, name="Cyclists")
    circles.circle_memberships_set(owner=friend_a, friend=owner, circle_ids=[circle.pk])
    circles.circle_memberships_set(owner=friend_a, friend=fof, circle_ids=[circle.pk])
    grant_two(owner)
    record(owner, "social_proof", "Your bike review")
    export = ExportRequest.objects.create(user=owner, status=ExportRequest.Status.READY)
    export.file.save("export.zip", ContentFile(b"zip"))
    Token.objects.create(user=owner)
    files = [
        (owner.profile.avatar.storage, owner.profile.avatar.name),
        (own_post.photo.storage, own_post.photo.name),
        (export.file.storage, export.file.name),
    ]
    return {
        **graph,
        "files": files,
        "friends_post": friends_post,
        "friends_comment": friends_comment,
        "comment_by_friend": comment_by_friend,
        "circle": circle,
    }


def everything_left(user_id: int, subject: str) -> dict:
    about = dict(user_id=user_id)
    return {
        "users": User.objects.filter(pk=user_id).count(),
        "profiles": Profile.objects.filter(**about).count(),
        "posts": Post.objects.filter(author_id=user_id).count(),
        "comments": Comment.objects.filter(author_id=user_id).count(),
        "friendships": Friendship.objects.filter(user_id=user_id).count()
        + Friendship.objects.filter(friend_id=user_id).count(),
        "requests": FriendRequest.objects.filter(from_user_id=user_id).count()
        + FriendRequest.objects.filter(to_user_id=user_id).count(),
        "blocks": Block.objects.filter(blocker_id=user_id).count()
        + Block.objects.filter(blocked_id=user_id).count(),
        "circles": Circle.objects.filter(owner_id=user_id).count(),
        "memberships": CircleMembership.objects.filter(member_id=user_id).count(),
        "notifications": Notification.objects.filter(recipient_id=user_id).count()
        + Notification.objects.filter(actor_id=user_id).count(),
        "consents": ConsentState.objects.filter(**about).count(),
        "usage": UsageCount.objects.filter(owner_id=user_id).count(),
        "exports": ExportRequest.objects.filter(**about).count(),
        "tokens": Token.objects.filter(**about).count(),
        "ledger": ConsentRecord.objects.filter(subject=subject).count(),
        "ledger_linked": ConsentRecord.objects.filter(**about).count(),
        "audit": AuditEvent.objects.filter(subject_pseudonym=subject).count(),
        "audit_linked": AuditEvent.objects.filter(subject_id=user_id).count()
        + AuditEvent.objects.filter(actor_id=user_id).count(),
    }


def test_before_the_grace_period_ends_nothing_is_purged(owner):
    erasure = erasure_request(user=owner, password=PASSWORD)

    assert purge_due_erasures() == 0
    with pytest.raises(Conflict):
        purge_user(erasure)
    assert User.objects.filter(pk=owner.pk).exists()


def test_after_the_grace_period_the_task_purges_the_person(
    life, django_capture_on_commit_callbacks
):
    owner = life["owner"]
    user_id, subject = owner.pk, pseudonym_for(owner.pk)
    erasure = make_due(erasure_request(user=owner, password=PASSWORD))
    before = everything_left(user_id, subject)
    assert all(before[key] for key in ["posts", "comments", "friendships", "memberships"])
    assert before["ledger"] == 4  # two grants, two withdrawals
    assert all(storage.exists(name) for storage, name in life["files"])

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_due_erasures.delay().get() == 1

    left = everything_left(user_id, subject)
    gone = [key for key in left if key not in ("ledger", "audit")]
    assert {key: left[key] for key in gone} == dict.fromkeys(gone, 0)
    assert left["ledger"] == before["ledger"]  # the ledger is kept, no longer linked
    assert left["audit"] >= before["audit"]
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.COMPLETED
    assert erasure.completed_at is not None
    assert erasure.user_id is None and erasure.subject == subject
    completed = AuditEvent.objects.get(action="erasure.completed")
    assert completed.actor_id is None and completed.subject_id is None
    assert completed.subject_pseudonym == subject
    for storage, name in life["files"]:
        assert not storage.exists(name), name


def test_other_peoples_data_is_untouched(life, django_capture_on_commit_callbacks):
    owner, friend_a, fof = life["owner"], life["friend_a"], life["fof"]
    erasure = make_due(erasure_request(user=owner, password=PASSWORD))

    with django_capture_on_commit_callbacks(execute=True):
        purge_user(erasure)

    assert Friendship.objects.filter(user=friend_a, friend=fof).exists()
    assert Friendship.objects.filter(user=fof, friend=friend_a).exists()
    assert Post.objects.filter(pk=life["friends_post"].pk).exists()
    assert list(Comment.objects.filter(post=life["friends_post"])) == [life["friends_comment"]]
    assert not Comment.objects.filter(pk=life["comment_by_friend"].pk).exists()  # on owner's post
    assert list(
        CircleMembership.objects.filter(circle=life["circle"]).values_list("member", flat=True)
    ) == [fof.pk]
    assert User.objects.filter(pk__in=[friend_a.pk, fof.pk, life["friend_b"].pk]).count() == 3


def test_purging_twice_gives_the_same_result(life, django_capture_on_commit_callbacks):
    owner = life["owner"]
    user_id, subject = owner.pk, pseudonym_for(owner.pk)
    erasure = make_due(erasure_request(user=owner, password=PASSWORD))
    with django_capture_on_commit_callbacks(execute=True):
        purge_user(erasure)
    after_first = everything_left(user_id, subject)
    events = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        again = purge_user(erasure)

    assert again.status == ErasureRequest.Status.COMPLETED
    assert everything_left(user_id, subject) == after_first
    assert AuditEvent.objects.count() == events
    assert purge_due_erasures() == 0


def test_a_cancelled_request_is_never_purged(owner):
    erasure = make_due(erasure_request(user=owner, password=PASSWORD))
    sign_in(Client(), owner)

    assert purge_due_erasures() == 0
    assert User.objects.filter(pk=owner.pk, is_active=True).exists()
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.CANCELLED


@pytest.mark.worker
def test_the_worker_purges_due_erasures(celery_worker):
    person = PersonFactory.create(name="Wendy Worker")
    erasure = make_due(erasure_request(user=person, password=PASSWORD))

    result = purge_due_erasures.delay()

    assert result.get(timeout=celery_worker.timeout) == 1
    assert not User.objects.filter(pk=person.pk).exists()
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.COMPLETED
