"""Reading reports: a reporter's own reports with their outcomes; an owner's moderation
decisions with their appeals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from config.errors import found
from marketplace.models import ModerationDecision, Report

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


# --- Moderation decisions, as their owner reads them -----------------------------------------


def decisions_of(owner: User) -> QuerySet[ModerationDecision]:
    """The decisions on `owner`'s things, newest first, with their appeal and target loaded."""
    return (
        ModerationDecision.objects.filter(owner_id=owner.pk)
        .select_related("content_type", "appeal")
        .prefetch_related("target")
        .order_by("-created_at", "-pk")
    )


def access_decision(owner: User, decision_id: int | str) -> ModerationDecision:
    """One decision on `owner`'s things; Http404 for anyone else's, as if it did not exist."""
    try:
        decision = decisions_of(owner).filter(pk=int(decision_id)).first()
    except (TypeError, ValueError):
        decision = None
    return found(decision, "No such decision.")


def decision_on(target: models.Model) -> ModerationDecision | None:
    """The decision that keeps `target` hidden (the latest not lifted), with its appeal."""
    return (
        ModerationDecision.objects.filter(
            content_type=ContentType.objects.get_for_model(type(target)),
            object_id=target.pk,
            lifted_at__isnull=True,
        )
        .select_related("appeal")
        .order_by("-created_at", "-pk")
        .first()
    )
