"""The audit log: consent changes, exports, erasures and moderator actions."""

from __future__ import annotations

from privacy.models import AuditEvent, pseudonym_for


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(action: str, *, actor=None, subject=None, request=None, **detail) -> AuditEvent:
    """Write one audit event. `actor` did `action` concerning `subject` (default: the actor)."""
    subject = subject if subject is not None else actor
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
