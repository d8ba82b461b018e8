"""Consent, and what follows from a person being in control of their data.

`ConsentRecord` is the ledger: every grant and withdrawal, append-only. Neither the app, the
admin, the ORM nor the database lets a record be edited or deleted; the only change PostgreSQL
allows is the pseudonymisation of an erased person (their `user` link set to NULL, the
pseudonymous `subject` kept as the legal record of consent). `ConsentState` is the current state
per person and purpose, materialised for fast joins and written in the same transaction as the
ledger. `AuditEvent` is the audit log, append-only the same way. It holds references, never
copies: the kind and id of the thing acted on (a person only by their pseudonymous id), so that
erasing someone leaves nothing of theirs in it but that pseudonym. The one other change the
database allows on an event is dropping where it came from (address and browser), which
erasure does for the events the erased person caused.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from privacy.purposes import FOR_YOURSELF, Purpose, Scope
from social.models import Circle


def pseudonym_for(user_id: int) -> str:
    """A stable pseudonymous id for a person: the same for every record of theirs, meaningless
    without the site's secret key."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"person:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"p-{digest[:32]}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only: they cannot be updated.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only: they cannot be deleted.")


class AppendOnlyModel(models.Model):
    """Rows are written once. The database triggers (migration 0002) enforce the same rule."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only: they cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only: they cannot be deleted.")


class ConsentRecord(AppendOnlyModel):
    class Action(models.TextChoices):
        GRANTED = "granted", "Granted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Method(models.TextChoices):
        ONBOARDING = "onboarding", "Onboarding"
        DASHBOARD = "dashboard", "Privacy dashboard"
        API = "api", "API"
        ERASURE = "erasure", "Account deletion"
        RESTORED = "restored", "Restored after a cancelled account deletion"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="consent_records",
        help_text="Set to NULL when the person is erased; `subject` stays.",
    )
    subject = models.CharField(max_length=40, db_index=True, help_text="Pseudonymous id.")
    purpose = models.CharField(max_length=20, choices=Purpose)
    action = models.CharField(max_length=10, choices=Action)
    scope = models.CharField(max_length=10, choices=Scope, blank=True)
    circle_ids = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    notice_version = models.PositiveIntegerField()
    notice_sha256 = models.CharField(max_length=64)
    method = models.CharField(max_length=12, choices=Method)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="consent_record_user")]

    def __str__(self) -> str:
        return f"{self.subject} {self.action} {self.purpose}"


class ConsentState(models.Model):
    """What a person currently allows. A row exists only while the purpose is granted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(max_length=20, choices=Purpose)
    scope = models.CharField(
        max_length=10, choices=Scope, blank=True, help_text="Blank for a purpose for you alone."
    )
    circles = models.ManyToManyField(Circle, blank=True, related_name="+")
    details = models.JSONField(default=dict, blank=True)
    record = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"], name="consent_state_one_per_purpose"
            ),
            # A purpose for the person alone has no audience; every other one has one.
            models.CheckConstraint(
                condition=(
                    Q(purpose__in=sorted(FOR_YOURSELF), scope="")
                    | (~Q(purpose__in=sorted(FOR_YOURSELF)) & Q(scope__in=Scope.values))
                ),
                name="consent_state_scope_fits_purpose",
            ),
        ]
        indexes = [models.Index(fields=["purpose", "user"], name="consent_state_purpose_user")]

    def __str__(self) -> str:
        return f"{self.user_id} allows {self.purpose} ({self.scope})"


class AuditEventQuerySet(AppendOnlyQuerySet):
    def forget_where_from(self) -> int:
        """Drop the network address and browser of these events; returns how many rows.

        With clearing a person link, the one edit the log allows (the database trigger lets
        exactly these columns be emptied): erasure calls it for the events a person caused."""
        return models.QuerySet.update(self, ip_address=None, user_agent="")


class AuditEvent(AppendOnlyModel):
    """Who did what to whose data, when, from where. Staff read it in the admin; nobody edits.

    What was acted on is a reference (`target_type`, `target_id`), never a copy of it: a
    person's id is never written here, only their pseudonym (`pseudonym_for`)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_pseudonym = models.CharField(max_length=40, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_pseudonym = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.CharField(
        max_length=100, blank=True, help_text="What was acted on: “app_label.model”."
    )
    target_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="Its id; for a person, their pseudonymous id (never the account's id).",
    )
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    # The plugin cannot name the manager `as_manager` makes (typeddjango/django-stubs#1713).
    objects = AuditEventQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_pseudonym or 'system'}"


class UsageCount(models.Model):
    """How often a person's data was used for a purpose, per day ("your bike review was shown in
    3 friends' searches today"). Filled by later features through `privacy.usage.record`;
    no viewer is stored, and no time finer than the day."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usage_counts"
    )
    purpose = models.CharField(max_length=20, choices=Purpose)
    label = models.CharField(max_length=200)
    day = models.DateField(help_text="The local day the uses were counted on.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "purpose", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "purpose", "label", "day"], name="usage_count_unique_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.count} on {self.day}"


def export_path(instance: ExportRequest, filename: str) -> str:
    return f"exports/{instance.token}.zip"


class PrivateStorage(FileSystemStorage):
    """`PRIVATE_MEDIA_ROOT`, read when first used and again whenever the setting changes (as
    FileSystemStorage does for MEDIA_ROOT), so tests that move it move the files too."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def private_storage():
    """Where exports are kept: outside MEDIA_ROOT, served by no URL. Only the download view,
    which checks the owner and the expiry, reads from it."""
    return PrivateStorage()


class ExportRequest(models.Model):
    """A person's request for a copy of their data, built by a Celery job."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_requests"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    file = models.FileField(upload_to=export_path, storage=private_storage, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_created")]

    def __str__(self) -> str:
        return f"Export {self.token} ({self.status})"


class ErasureRequest(models.Model):
    """A person asked for their account to be deleted. The account is deactivated at once; the
    purge runs after the grace period unless they log in again before it."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
    )
    subject = models.CharField(max_length=40, help_text="Pseudonymous id, kept after the purge.")
    status = models.CharField(max_length=10, choices=Status, default=Status.SCHEDULED)
    requested_at = models.DateTimeField(auto_now_add=True)
    purge_after = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="scheduled"),
                name="erasure_one_scheduled_per_person",
            )
        ]
        indexes = [
            models.Index(
                fields=["purge_after"],
                condition=models.Q(status="scheduled"),
                name="erasure_due",
            )
        ]

    def __str__(self) -> str:
        return f"Erasure of {self.subject} ({self.status})"


class Release(models.Model):
    """A noisy answer given to one viewer (`privacy.releases`), kept for the day it was given so
    that the same question that day gets the same answer and spends nothing. The question is a
    digest, never its words; the answer holds only noisy counts and what was selected with
    noise."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    question = models.CharField(max_length=64, help_text="SHA-256 of the question.")
    answer = models.JSONField()
    epsilon = models.FloatField(help_text="The privacy budget this answer spent.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["viewer", "day", "question"], name="release_once_per_question_per_day"
            ),
            models.CheckConstraint(condition=models.Q(epsilon__gt=0), name="release_spends"),
        ]

    def __str__(self) -> str:
        return f"Release to {self.viewer_id} on {self.day} (ε {self.epsilon:g})"


class PublishedFigure(models.Model):
    """A noisy figure about one member, shown the same to every viewer on the day it was drawn
    (`privacy.releases.published`): a member's reputation from ratings, say. Kept for the day so
    that nobody can ask again for fresh noise; gone with the member."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    question = models.CharField(max_length=64, help_text="SHA-256 of the question.")
    answer = models.JSONField()
    epsilon = models.FloatField(help_text="The privacy budget this figure spent.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "day", "question"], name="figure_once_per_question_per_day"
            ),
            models.CheckConstraint(condition=models.Q(epsilon__gt=0), name="figure_spends"),
        ]

    def __str__(self) -> str:
        return f"Figure about {self.subject_id} on {self.day} (ε {self.epsilon:g})"


class PrivacyBudget(models.Model):
    """How much privacy budget (ε) one viewer's releases spent on one day; at most
    `PRIVACY_EPSILON_PER_DAY`, taken by one conditional update (`privacy.releases`)."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    spent = models.FloatField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["viewer", "day"], name="one_budget_per_viewer_day"),
            models.CheckConstraint(condition=models.Q(spent__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} on {self.day}: ε {self.spent:g} spent"
