"""Content hidden by a moderator: the one state tests reach past the moderation service, and
the same state through the service, with the decision its owner may appeal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from marketplace.models import ModerationDecision


def hidden_by_moderator[M: models.Model](content: M) -> M:
    """Mark a listing or review hidden, as `content_moderate(action="hide")` leaves it.

    Written directly on purpose: the service also needs a moderator and a report and writes the
    audit log and notifications, which tests of what hidden content shows do not want counted.
    The service itself is tested in marketplace/tests/test_reports.py."""
    content.hidden = True  # type: ignore[attr-defined]
    content.save(update_fields=["hidden"])
    return content


def hide_with_decision(content: models.Model, reason: str = "Scam or fraud") -> ModerationDecision:
    """A moderator hides `content` through the moderation service (`content_moderate`), with
    `reason` as their note: the owner is told and may appeal. Returns the decision it records."""
    from marketplace.models import ModerationDecision
    from marketplace.services.reports import content_moderate
    from tests.factories.people import make_moderator

    content_moderate(moderator=make_moderator(), target=content, action="hide", note=reason)
    return ModerationDecision.objects.get(
        object_id=content.pk, content_type__model=content._meta.model_name, lifted_at__isnull=True
    )
