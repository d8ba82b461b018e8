"""Reviews of product models, seen by the audience their author chose, and helpful votes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from config.indexes import CoveringIndex
from marketplace.models.catalog import ProductModel
from marketplace.models.deals import Purchase
from social.audience import Audience, AudienceQuerySet
from social.models import Circle


class ReviewQuerySet(AudienceQuerySet):
    def shown(self) -> ReviewQuerySet:
        return self.filter(hidden=False)


class Review(models.Model):
    TITLE_MAX_LENGTH = 120
    TEXT_MAX_LENGTH = 5000

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        help_text="Empty once the author's account is erased (the review is kept, anonymised).",
        db_index=False,  # `review_author` below
    )
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.PROTECT, related_name="reviews"
    )
    purchase = models.ForeignKey(
        Purchase, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    would_recommend = models.BooleanField(default=True)
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.FRIENDS)
    circles = models.ManyToManyField(Circle, blank=True, related_name="reviews")
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()
    owner_field = "author"
    moderation_field = "hidden"  # hidden reviews are seen by their author alone

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "product_model"], name="one_review_per_product"
            ),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating"),
        ]
        indexes = [
            models.Index(fields=["product_model", "-created_at"], name="review_product"),
            # It also carries what social search reads and the audience policy checks: a
            # network's reviews of a topic come from the index alone (PostgreSQL; SQLite gets the
            # plain index).
            CoveringIndex(
                fields=["author"],
                covering=["product_model", "created_at", "audience", "hidden", "id"],
                name="review_author",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def verified(self) -> bool:
        """Tied to a purchase made here (the "verified purchase" badge's own rule is
        `marketplace.selectors.reviews.verified_purchase_for`)."""
        return self.purchase is not None and self.purchase.verified


class HelpfulVote(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "voter"], name="one_helpful_vote")]

    def __str__(self) -> str:
        return f"{self.voter_id} found {self.review_id} helpful"
