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
    rescored = models.PositiveIntegerField(
        default=0, help_text="People whose scores this run computed (everyone in a graph run)."
    )
    graph = models.BooleanField(
        default=True,
        help_text="Computed the reach through the whole graph (else only changed expertise).",
    )
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


class InfluenceReach(models.Model):
    """Each consenting person's one- and two-hop reach in the consented graph, as the last run
    that read the whole graph computed it. A score is `expertise × (1 + reach)`, so when only
    someone's expertise changed (a review, a purchase, a helpful vote) the next run rescores that
    person from this row instead of reading the graph again."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="influence_reach",
    )
    run = models.ForeignKey(InfluenceRun, on_delete=models.PROTECT, related_name="+")
    one_hop = models.FloatField()
    two_hop = models.FloatField()

    def __str__(self) -> str:
        return f"{self.person_id}: {self.one_hop:.3f} / {self.two_hop:.3f}"


class InfluenceChange(models.Model):
    """Something changed that the scores depend on, written in the same transaction as the
    change itself, consumed by the next run in the transaction that writes its scores (so a run
    that dies leaves them for the next one). `person` set: only that person's expertise changed;
    `graph`: a friendship, block or `influence` consent changed, so reach must be recomputed."""

    # An id, not a link: the change must outlive an account erased in the same transaction.
    person = models.BigIntegerField(null=True, blank=True)
    graph = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(graph=True) | models.Q(person__isnull=False),
                name="influence_change_says_what",
            )
        ]

    def __str__(self) -> str:
        return "graph" if self.graph else f"expertise of {self.person}"


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
