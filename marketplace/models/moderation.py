"""Reports to the moderators, about any kind of thing (a listing, a review, a post, a person)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models


class Report(models.Model):
    """Something reported to the moderators. One report per person per thing."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        SCAM = "scam", "Scam or fraud"
        PROHIBITED = "prohibited", "Prohibited item"
        HARASSMENT = "harassment", "Harassment"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Action taken"
        DISMISSED = "dismissed", "No action needed"

    NOTE_MAX_LENGTH = 1000
    RESOLUTION_MAX_LENGTH = 300

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_about",
        help_text="Whose the reported thing is (the person, for a report of a person). Empty "
        "once they are erased; the report stays until REPORT_RETENTION_DAYS after it was "
        "resolved.",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=12, choices=Reason)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    resolution = models.CharField(max_length=RESOLUTION_MAX_LENGTH, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_handled",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"], name="one_report_per_thing"
            )
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="report_queue"),
            models.Index(fields=["resolved_at"], name="report_resolved"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} report on {self.content_type.model} {self.object_id}"


class ModerationDecision(models.Model):
    """A moderator hid something a person owns (a listing, review, post or comment): what, whose,
    why, and when it was lifted. The owner is told at once and may appeal it once (`Appeal`)."""

    REASON_MAX_LENGTH = 300

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_decisions"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=REASON_MAX_LENGTH)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions_made",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the thing was restored."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="moderation_decision_target"),
            models.Index(fields=["owner", "-created_at"], name="moderation_decision_owner"),
        ]

    def __str__(self) -> str:
        return f"Hidden {self.content_type.model} {self.object_id}: {self.reason[:40]}"

    @property
    def appeal_or_none(self) -> Appeal | None:
        """The owner's appeal, if they made one."""
        try:
            return self.appeal
        except ObjectDoesNotExist:
            return None


class Appeal(models.Model):
    """The owner's one appeal against a moderation decision, and its outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Waiting for a moderator"
        RESTORED = "restored", "Restored"
        UPHELD = "upheld", "Upheld"

    TEXT_MAX_LENGTH = 1000

    # One appeal per decision: the database holds it (the one-to-one's unique index).
    decision = models.OneToOneField(
        ModerationDecision, on_delete=models.CASCADE, related_name="appeal"
    )
    text = models.CharField(max_length=TEXT_MAX_LENGTH)
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.PENDING)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals_decided",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="pending", decided_at__isnull=True)
                | (~models.Q(outcome="pending") & models.Q(decided_at__isnull=False)),
                name="appeal_decided_when_not_pending",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "-created_at"], name="appeal_queue")]

    def __str__(self) -> str:
        return f"Appeal of decision {self.decision_id} ({self.outcome})"
