"""`ago`: when something happened, as people say it ("just now", "5 minutes ago"). A builtin
(settings.TEMPLATES), so every template has it without `{% load %}`."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(moment: datetime | None) -> str:
    """ "just now" within a minute (or for a clock a little ahead), else "3 hours ago"; the
    larger unit alone past a day ("2 days ago", not "2 days, 4 hours ago")."""
    if moment is None:
        return ""
    elapsed = timezone.now() - moment
    if elapsed < JUST_NOW:
        return "just now"
    return f"{timesince(moment, depth=1)} ago"
