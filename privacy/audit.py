"""The audit log: consent changes, exports, erasures and moderator actions."""

from __future__ import annotations

from privacy.middleware import current_request
from privacy.models import AuditEvent, pseudonym_for


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


SELF = object()


def audit(action: str, *, actor=None, subject=SELF, request=None, **detail) -> AuditEvent:
    """Write one audit event. `actor` did `action` concerning `subject` (default: the actor
    themselves; None for no one in particular). Where from is read off the current request."""
    subject = actor if subject is SELF else subject
    if request is None:
        request = current_request.get()
    actor_id = getattr(actor, "pk", None)
    subject_id = getattr(subject, "pk", None)
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_pseudonym=pseudonym_for(actor_id) if actor_id else "",
        subject_id=subject_id,
        subject_pseudonym=pseudonym_for(subject_id) if subject_id else "",
        action=action,
        detail=detail,
        ip_address=client_ip(request),
        user_agent=(request.headers.get("user-agent", "")[:300] if request is not None else ""),
    )


MODERATION_ACTIONS = {1: "moderation.added", 2: "moderation.changed", 3: "moderation.deleted"}


def audit_admin_action(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Every action a staff member takes in the admin is also an audit event."""
    if not created or raw:
        return
    audit(
        MODERATION_ACTIONS.get(instance.action_flag, "moderation.action"),
        actor=instance.user,
        subject=None,
        object=str(instance.object_repr)[:200],
        model=instance.content_type.model if instance.content_type_id else "",
        object_id=instance.object_id or "",
        message=instance.get_change_message()[:300],
    )
