"""Reviews of what people bought, seen by the audience their author chose, and helpful votes.

A review is about one thing: a product model of the catalog, or, when the thing bought has no
catalog model, its category (with its brand, and the model name the seller typed, if any). It
rests on one purchase of its author's, bought here (verified) or declared, and a purchase has
at most one review. An anonymised review (its author erased) may have lost its purchase.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from config.indexes import CoveringIndex
from marketplace.models.catalog import Brand, Category, ProductModel
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
        ProductModel, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    # Without a catalog model: what the purchase was of (the listing's category and brand, the
    # model name its seller typed). Empty for a review of a catalog model.
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="Without a catalog model: its category.",
    )
    brand = models.ForeignKey(
        Brand,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        help_text="Without a catalog model: its brand, when the catalog has it.",
    )
    model_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Without a catalog model: the model its seller named, if any.",
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
            # About exactly one thing: a catalog model, or a category (with brand and name).
            models.CheckConstraint(
                condition=(
                    Q(product_model__isnull=False)
                    & Q(category__isnull=True)
                    & Q(brand__isnull=True)
                    & Q(model_name="")
                )
                | (Q(product_model__isnull=True) & Q(category__isnull=False)),
                name="review_about_one_thing",
            ),
            # One review per purchase; and a review by a member rests on a purchase (an erased
            # author's kept review may have lost it: declared purchases go at erasure).
            models.UniqueConstraint(fields=["purchase"], name="one_review_per_purchase"),
            models.CheckConstraint(
                condition=Q(purchase__isnull=False) | Q(author__isnull=True),
                name="review_has_purchase",
            ),
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
    def subject(self) -> str:
        """What the review is about, in words: the catalog model, or the brand and model name
        the seller gave, or the category."""
        if self.product_model is not None:
            return str(self.product_model)
        named = " ".join(
            part for part in (self.brand.name if self.brand else "", self.model_name) if part
        )
        category = self.category.name if self.category is not None else ""
        return named or category

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
