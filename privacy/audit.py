"""The audit log: consent changes, exports, erasures and moderator actions.

An event holds references, not copies: who acted and about whom (as links that erasure clears,
and as pseudonyms that stay), and what was acted on as its kind and id (`reference`). Nothing a
person wrote is copied in, and a person's account id is never written (a person acted on is
named by their pseudonym), so that once they are erased the log keeps nothing of theirs but the
pseudonym.
"""

from __future__ import annotations

from enum import Enum
from typing import Final, Literal

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from accounts.models import User
from config.clients import client_ip
from privacy.middleware import current_request
from privacy.models import AuditEvent, pseudonym_for
from privacy.registry import REGISTRY


class _Subject(Enum):
    """The subject of an event when none is named: the actor themselves."""

    ACTOR = "actor"


SELF: Final = _Subject.ACTOR


def is_person_model(model: type[models.Model] | None) -> bool:
    return model is not None and model._meta.label_lower == settings.AUTH_USER_MODEL.lower()


def reference(
    target: models.Model | None = None,
    *,
    content_type: ContentType | None = None,
    object_id: str | int | None = None,
) -> tuple[str, str]:
    """(target_type, target_id) naming a thing for the log: “social.post”, “17”. A person is
    named by their pseudonymous id, never their account id. Pass a model instance, or its
    content type and id when the row may be gone."""
    if target is not None:
        content_type = ContentType.objects.get_for_model(type(target))
        object_id = target.pk
    if content_type is None:
        return "", ""
    label = f"{content_type.app_label}.{content_type.model}"
    if object_id is None or object_id == "":
        return label, ""
    if is_person_model(content_type.model_class()):
        try:
            return label, pseudonym_for(int(object_id))
        except (TypeError, ValueError):
            return label, ""
    return label, str(object_id)[:64]


def audit(
    action: str,
    *,
    actor: User | None = None,
    subject: User | None | Literal[_Subject.ACTOR] = SELF,
    target: models.Model | None = None,
    target_ref: tuple[str, str] | None = None,
    request: HttpRequest | None = None,
    **detail: object,
) -> AuditEvent:
    """Write one audit event. `actor` did `action` concerning `subject` (default: the actor
    themselves; None for no one in particular), to `target` (a model instance) or the thing
    `target_ref` names (from `reference`). Where from is read off the current request.
    `detail` holds ids and settings, never text someone wrote."""
    about = actor if subject is SELF else subject
    if request is None:
        request = current_request.get()
    actor_id = actor.pk if actor is not None else None
    subject_id = about.pk if about is not None else None
    target_type, target_id = target_ref or reference(target)
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_pseudonym=pseudonym_for(actor_id) if actor_id else "",
        subject_id=subject_id,
        subject_pseudonym=pseudonym_for(subject_id) if subject_id else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
        ip_address=client_ip(request),
        user_agent=(request.headers.get("user-agent", "")[:300] if request is not None else ""),
    )


MODERATION_ACTIONS = {1: "moderation.added", 2: "moderation.changed", 3: "moderation.deleted"}


def owner_of(instance: models.Model) -> User | None:
    """The person a row belongs to, as far as the models say: the person themselves, the
    model's `owner_field` (the audience policy's), or else its one link to a person in the
    personal-data registry. None when that is not one person."""
    model = type(instance)
    if isinstance(instance, get_user_model()):
        return instance
    field = getattr(model, "owner_field", None)
    if field is None:
        links = [
            entry.field
            for entry in REGISTRY.values()
            if entry.model is model and model._meta.get_field(entry.field).many_to_one
        ]
        field = links[0] if len(links) == 1 else None
    owner = getattr(instance, field, None) if field else None
    return owner if isinstance(owner, get_user_model()) else None


def audit_admin_action(
    sender: type[LogEntry],
    instance: LogEntry,
    created: bool,
    raw: bool = False,
    **kwargs: object,
) -> None:
    """Every action a staff member takes in the admin is also an audit event: who, which
    action, on what (a reference: the admin log entry and the object's kind and id) and whose
    it is. The object's name and the change message stay in the admin log, which erasure
    clears of a person's content; they are not copied here."""
    if not created or raw:
        return
    content_type = instance.content_type if instance.content_type_id else None
    subject = None
    model = content_type.model_class() if content_type is not None else None
    if model is not None and instance.object_id:
        try:
            target = model._base_manager.filter(pk=instance.object_id).first()
        except (ValueError, ValidationError):
            target = None
        subject = owner_of(target) if target is not None else None
    audit(
        MODERATION_ACTIONS.get(instance.action_flag, "moderation.action"),
        actor=instance.user,
        subject=subject,
        target_ref=reference(content_type=content_type, object_id=instance.object_id),
        log_entry=instance.pk,
    )
