"""The audit log: written for consent changes and admin actions, with where they came from;
read-only for staff in the admin."""

from __future__ import annotations

from django.urls import reverse

from privacy.models import AuditEvent
from social.models import Post
from social.services import posts
from tests.cast import make_person


def test_consent_changes_are_audited(owner):
    from privacy.services.consent import consent_grant

    consent_grant(user=owner, purpose="social_proof", scope="friends")
    event = AuditEvent.objects.get()
    assert event.action == "consent.granted" and event.actor_id == owner.pk


def test_an_admin_action_is_audited_with_actor_and_address(owner, client_for):
    post = posts.post_create(author=owner, text="spam spam spam", audience="public")
    admin = make_person("Ada Admin", is_staff=True, is_superuser=True)
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
    assert event.detail["model"] == "post"


def test_staff_read_the_audit_log_but_cannot_change_it(owner, client_for):
    from privacy.services.consent import consent_grant

    consent_grant(user=owner, purpose="social_proof", scope="friends")
    event = AuditEvent.objects.get()
    admin = make_person("Ada Admin", is_staff=True, is_superuser=True)
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
