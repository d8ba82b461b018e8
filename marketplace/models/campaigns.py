"""Product feedback campaigns (a brand's "focus group"): a question with choices, a product
concept to rate, or an idea board, run by a brand's managers for a period.

A campaign is offered only to members who granted `insights` and asked to hear from the brand
(`Fan.campaigns`) or about its category (`CategoryInterest`); nobody else sees it. Joining is
explicit (`CampaignEntry`), changeable and withdrawable until the campaign closes. Results reach
the brand, and the participants, only as noisy aggregates drawn once a day (`CampaignFigure`),
and only from a minimum of participants.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from marketplace.models.catalog import Brand, Category


class Campaign(models.Model):
    class Kind(models.TextChoices):
        POLL = "poll", "A question with choices"
        CONCEPT = "concept", "A product concept to rate"
        IDEAS = "ideas", "An idea board"

    TITLE_MAX_LENGTH = 120
    QUESTION_MAX_LENGTH = 1000

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaigns")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.POLL)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    question = models.TextField(max_length=QUESTION_MAX_LENGTH)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Also offered to members who asked for feedback requests about this category.",
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    min_participants = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(5)],
        help_text="No result is shown, to anyone, before about this many took part.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The manager who started it (kept for staff, never shown to members).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(min_participants__gte=5), name="campaign_min_participants"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.starts_at <= timezone.now() < self.ends_at


class CampaignChoice(models.Model):
    LABEL_MAX_LENGTH = 120

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(max_length=LABEL_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class CampaignEntry(models.Model):
    """A member's contribution to a campaign: a choice (poll), a rating (concept) or an idea
    (idea board). One per member and campaign, theirs to change or withdraw until it closes."""

    IDEA_MAX_LENGTH = 500

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_entries"
    )
    choice = models.ForeignKey(
        CampaignChoice, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    idea = models.TextField(max_length=IDEA_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="campaign_entry_once"),
            models.CheckConstraint(
                condition=Q(choice__isnull=False, rating__isnull=True, idea="")
                | Q(choice__isnull=True, rating__gte=1, rating__lte=5, idea="")
                | (Q(choice__isnull=True, rating__isnull=True) & ~Q(idea="")),
                name="campaign_entry_one_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.campaign}"


class CategoryInterest(models.Model):
    """A member asks brands to reach them about a category (and the categories below it), for
    one purpose: feedback requests (`insights`) or sponsored offers (`offers`). Nothing reaches
    them without that consent too."""

    class Purpose(models.TextChoices):
        FEEDBACK = "insights", "Feedback requests"
        OFFERS = "offers", "Sponsored offers"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="category_interests"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=10, choices=Purpose)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "category", "purpose"], name="category_interest_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_purpose_display()} about {self.category}"


class CampaignFigure(models.Model):
    """A campaign's results as shown today, to its brand and its participants alike: drawn once
    a day with noise (`marketplace.services.campaigns.results`), kept for the day. Nobody's
    contribution is in it but through the noisy totals."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="figures")
    day = models.DateField()
    answer = models.JSONField()
    epsilon = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day"], name="campaign_figure_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} on {self.day}"
