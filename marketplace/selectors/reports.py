"""Reading reports: a reporter's own reports with their outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from marketplace.models import Report

if TYPE_CHECKING:
    from accounts.models import User


def reports_by(reporter: User) -> QuerySet[Report]:
    """The reporter's reports, newest first, each with its target loaded (one query per kind of
    thing, whatever the number of reports). The target is None once it is deleted."""
    return (
        Report.objects.filter(reporter=reporter)
        .select_related("content_type")
        .prefetch_related("target")
        .order_by("-created_at", "-pk")
    )
