"""The brand side: a brand's page, the members who run it (managers, by a claim staff approve),
its posts, its fans and their comments.

A brand speaks on its own page and, for fans who asked for it, in their feed; it never reaches
anyone else. Its managers see the page as any member does: being a fan is the fan's personal
data with its own audience (only me by default), so a brand learns who its fans are only where
a fan shared it with the manager as a person, never as the brand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from marketplace.models.catalog import Brand
from social.audience import Audience, AudienceQuerySet
from social.models import Circle


class BrandClaim(models.Model):
    """A member's claim to run a brand's page. Staff approve or reject it in the admin; an
    approved claim makes the member one of the brand's managers, until staff revoke it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff"
        APPROVED = "approved", "Approved: runs the page"
        REJECTED = "rejected", "Rejected"

    NOTE_MAX_LENGTH = 1000

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="claims")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_claims"
    )
    note = models.TextField(
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text="Who the member is at the brand, for staff to check.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "member"], name="brand_claim_once"),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="brand_claim_decided_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} for {self.brand} ({self.get_status_display()})"


class BrandPost(models.Model):
    """What a brand says on its page (and in the feed of fans who asked for its posts). Signed
    by the brand, never by the manager who wrote it."""

    TEXT_MAX_LENGTH = 2000

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="brand_posts",
        help_text="The manager who wrote it (kept for staff, never shown to members).",
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["brand", "-created_at"], name="brand_post_brand_created")]

    def __str__(self) -> str:
        return f"{self.brand}: {self.text[:40]}"


class Fan(models.Model):
    """A member who is a fan of a brand: their personal data, seen by its `audience` alone (the
    audience policy), only by them unless they choose otherwise. `posts_in_feed`: the brand's
    posts reach their feed."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fandoms"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="fans")
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.ONLY_ME)
    circles = models.ManyToManyField(Circle, blank=True, related_name="fans")
    posts_in_feed = models.BooleanField(
        default=False, help_text="The brand's posts appear in the fan's feed."
    )
    offers = models.BooleanField(
        default=False,
        help_text="The brand's sponsored offers may reach the fan, if they also allow offers.",
    )
    campaigns = models.BooleanField(
        default=False,
        help_text="The brand may ask the fan for feedback (polls, concepts to rate), if they "
        "also allow anonymous insights.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AudienceQuerySet.as_manager()
    owner_field = "member"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "brand"], name="fan_once_per_brand")
        ]
        indexes = [models.Index(fields=["brand", "member"], name="fan_brand_member")]

    def __str__(self) -> str:
        return f"{self.member} is a fan of {self.brand}"


class BrandComment(models.Model):
    """A member's comment on a brand's page, or on one of its posts, seen by its `audience`
    (the audience policy: blocks and deactivation apply as everywhere)."""

    TEXT_MAX_LENGTH = 1000

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="comments")
    post = models.ForeignKey(
        BrandPost, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_comments"
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.MEMBERS)
    circles = models.ManyToManyField(Circle, blank=True, related_name="brand_comments")
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AudienceQuerySet.as_manager()
    owner_field = "author"
    moderation_field = "hidden"

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["brand", "created_at"], name="brand_comment_brand")]

    def __str__(self) -> str:
        return f"{self.author} on {self.brand}: {self.text[:40]}"


class BrandOffer(models.Model):
    """A sponsored offer from a brand (a discount, a test ride...). It reaches only members who
    allow `offers` and asked the brand for offers (`Fan.offers`) or asked about its category
    (`CategoryInterest`); it is labelled "Sponsored",
    a brand publishes at most one a week, and "Not interested" hides it for good
    (`OfferDismissal`). It never reaches anyone else."""

    TITLE_MAX_LENGTH = 120
    TEXT_MAX_LENGTH = 1000

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    category = models.ForeignKey(
        "marketplace.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Also shown to members who asked for offers about this category.",
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The manager who wrote it (kept for staff, never shown to members).",
    )
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="brand_offer_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["brand", "-starts_at"], name="brand_offer_brand")]

    def __str__(self) -> str:
        return f"{self.brand}: {self.title}"


class OfferDismissal(models.Model):
    """A member said "Not interested" to an offer: it is not shown to them again."""

    offer = models.ForeignKey(BrandOffer, on_delete=models.CASCADE, related_name="dismissals")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offer_dismissals"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "member"], name="offer_dismissed_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} is not interested in {self.offer}"
