"""Reports to the moderators, about any kind of thing (a listing, a review, a post, a person)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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
