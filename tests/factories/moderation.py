"""The one state tests reach past the moderation service: content already hidden."""

from __future__ import annotations

from django.db import models


def hidden_by_moderator[M: models.Model](content: M) -> M:
    """Mark a listing or review hidden, as `content_moderate(action="hide")` leaves it.

    Written directly on purpose: the service also needs a moderator and a report and writes the
    audit log and notifications, which tests of what hidden content shows do not want counted.
    The service itself is tested in marketplace/tests/test_reports.py."""
    content.hidden = True  # type: ignore[attr-defined]
    content.save(update_fields=["hidden"])
    return content
