"""Derived tables of the recommendations app: influence runs and scores, and the listing views
recorded (only while `personalization` is on) for a person's own recommendations.

Everything here is computed from the other apps' data through the consent gate; nothing is a
source of truth. Influence scores are replaced as a whole by each run, inside one transaction, so
a run that dies leaves the previous scores in place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from marketplace.models import Category, Listing


class InfluenceRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=12, choices=Kind)
    status = models.CharField(max_length=10, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    people = models.PositiveIntegerField(default=0)
    edges = models.PositiveBigIntegerField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run {self.pk} ({self.status})"


class InfluenceScore(models.Model):
    """How far a consenting person's experience in a top-level category reaches through one and
    two hops of the consented graph."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="influence_scores"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(InfluenceRun, on_delete=models.PROTECT, related_name="scores")
    expertise = models.FloatField(help_text="Own experience: reviews, verified purchases, votes.")
    one_hop = models.FloatField(help_text="Reach among friends, weighted by tie strength.")
    two_hop = models.FloatField(help_text="Reach among friends of friends.")
    score = models.FloatField(db_index=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["person", "category"], name="one_score_per_topic")
        ]
        indexes = [models.Index(fields=["category", "-score"], name="influence_category_score")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.category_id}: {self.score:.2f}"


class ListingView(models.Model):
    """A listing a person looked at. Recorded only while their `personalization` consent is on,
    used only for their own recommendations."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listing_views"
    )
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["viewer", "-viewed_at"], name="listing_view_viewer")]

    def __str__(self) -> str:
        return f"{self.viewer_id} viewed {self.listing_id}"
