"""The audit log: written for consent changes and admin actions, with where they came from;
read-only for staff in the admin."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import IntegrityError, InternalError, connection, transaction
from django.urls import reverse

from privacy.models import AuditEvent, pseudonym_for
from social.models import Post
from social.services import posts
from tests.factories import make_admin


def test_consent_changes_are_audited(owner):
    from privacy.services.consent import consent_grant

    consent_grant(user=owner, purpose="social_proof", scope="friends")
    event = AuditEvent.objects.get()
    assert event.action == "consent.granted" and event.actor_id == owner.pk


def test_an_admin_action_is_audited_with_actor_and_address(owner, client_for):
    post = posts.post_create(author=owner, text="spam spam spam", audience="public")
    admin = make_admin()
    client = client_for(admin)
    response = client.post(
        reverse("admin:social_post_delete", args=[post.pk]),
        {"post": "yes"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()
    event = AuditEvent.objects.get(action="moderation.deleted")
    assert event.actor_id == admin.pk
    assert event.ip_address == "203.0.113.9"
    assert (event.target_type, event.target_id) == ("social.post", str(post.pk))
    assert event.subject_id == owner.pk  # whose post it was


def test_an_admin_action_is_a_reference_not_a_copy_of_what_was_acted_on(owner, client_for):
    post = posts.post_create(author=owner, text="MY WORDS ONLY", audience="public")
    admin = make_admin()
    client_for(admin).post(reverse("admin:social_post_delete", args=[post.pk]), {"post": "yes"})

    event = AuditEvent.objects.get(action="moderation.deleted")
    assert "MY WORDS" not in str(event.detail) + event.target_type + event.target_id
    assert LogEntry.objects.get(pk=event.detail["log_entry"]).object_repr == "MY WORDS ONLY"


def test_a_person_acted_on_is_named_by_pseudonym_never_by_account_id(owner):
    admin = make_admin()
    LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=[owner], action_flag=CHANGE, change_message="Suspended."
    )

    event = AuditEvent.objects.filter(action="moderation.changed").latest("id")
    assert event.target_type == "accounts.user"
    assert event.target_id == pseudonym_for(owner.pk)
    assert event.subject_id == owner.pk
    assert list(event.detail) == ["log_entry"]  # a reference to the admin log, nothing else
    assert LogEntry.objects.get(pk=event.detail["log_entry"]).object_id == str(owner.pk)


def test_the_database_lets_erasure_drop_where_an_event_came_from_and_nothing_else(owner):
    from privacy.services.consent import consent_grant

    consent_grant(user=owner, purpose="social_proof", scope="friends")
    AuditEvent.objects.create(
        action="x.y", actor=owner, ip_address="203.0.113.9", user_agent="Firefox"
    )

    assert AuditEvent.objects.filter(actor=owner).forget_where_from() == 2
    assert set(AuditEvent.objects.values_list("ip_address", "user_agent")) == {(None, "")}
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE privacy_auditevent SET user_agent = 'Chrome'")
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE privacy_auditevent SET target_id = '42'")


def test_staff_read_the_audit_log_but_cannot_change_it(owner, client_for):
    from privacy.services.consent import consent_grant

    consent_grant(user=owner, purpose="social_proof", scope="friends")
    event = AuditEvent.objects.get()
    admin = make_admin()
    client = client_for(admin)
    assert client.get(reverse("admin:privacy_auditevent_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:privacy_auditevent_change", args=[event.pk])).status_code == 200
    )
    assert (
        client.post(reverse("admin:privacy_auditevent_delete", args=[event.pk])).status_code == 403
    )
    assert client.get(reverse("admin:privacy_auditevent_add")).status_code == 403
    assert AuditEvent.objects.count() == 1


class _Runner:
    """Enough of a schema editor for a data migration's functions, inside the test's
    transaction (a real one refuses to open there on SQLite)."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_events_written_before_references_are_rewritten_without_copies_or_account_ids(
    owner, stranger
):
    import importlib

    from django.db.migrations.executor import MigrationExecutor

    migration = importlib.import_module("privacy.migrations.0005_audit_event_references")
    state = MigrationExecutor(connection).loader.project_state(
        ("privacy", "0005_audit_event_references")
    )
    post = posts.post_create(author=owner, text="MY WORDS", audience="public")
    from_admin = AuditEvent.objects.create(
        action="moderation.changed",
        actor=stranger,
        detail={"object": "MY WORDS", "model": "post", "object_id": str(post.pk), "message": "x"},
    )
    about_person = AuditEvent.objects.create(
        action="moderation.changed",
        actor=stranger,
        detail={"object": owner.email, "model": "user", "object_id": str(owner.pk)},
    )
    from_queue = AuditEvent.objects.create(
        action="moderation.warn",
        actor=stranger,
        subject=owner,
        detail={"report": 7, "target": f"accounts.user {owner.pk}", "note": "She said MY WORDS"},
    )
    consent = AuditEvent.objects.create(action="consent.granted", actor=owner, detail={"p": 1})

    runner = _Runner()
    migration.drop_trigger(state.apps, runner)
    migration.to_references(state.apps, runner)
    migration.make_trigger(state.apps, runner)

    for event in (from_admin, about_person, from_queue, consent):
        event.refresh_from_db()
    assert (from_admin.target_type, from_admin.target_id, from_admin.detail) == (
        "social.post",
        str(post.pk),
        {},
    )
    assert (about_person.target_type, about_person.target_id) == (
        "accounts.user",
        pseudonym_for(owner.pk),
    )
    assert about_person.subject_id == owner.pk and about_person.detail == {}
    assert from_queue.target_id == pseudonym_for(owner.pk)
    assert from_queue.detail == {"report": 7}
    assert consent.detail == {"p": 1}
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        runner.execute("UPDATE privacy_auditevent SET action = 'x'")
