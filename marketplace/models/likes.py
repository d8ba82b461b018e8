"""Likes: a member likes a listing, a review, a post or a product. A like is the member's content
with its own audience (friends by default, as a post): who liked what is seen through the
audience policy alone, and a number of likes by people not named to the viewer is shown only as
a noisy count (`privacy.releases`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from marketplace.models.catalog import ProductModel
from marketplace.models.listings import Listing
from marketplace.models.reviews import Review
from social.audience import Audience, AudienceQuerySet
from social.models import Circle, Post

TARGETS = ("listing", "review", "post", "product")


class Like(models.Model):
    class Kind(models.TextChoices):
        LISTING = "listing", "Listing"
        REVIEW = "review", "Review"
        POST = "post", "Post"
        PRODUCT = "product", "Product"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    listing = models.ForeignKey(
        Listing, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        ProductModel, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.FRIENDS)
    circles = models.ManyToManyField(Circle, blank=True, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AudienceQuerySet.as_manager()
    owner_field = "owner"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The one target its kind names, and no other.
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(kind=kind, **{f"{name}__isnull": name != kind for name in TARGETS})
                        for kind in TARGETS
                    ],
                    _connector=Q.OR,
                ),
                name="like_has_its_one_target",
            ),
            *[
                models.UniqueConstraint(
                    fields=["owner", name],
                    condition=Q(kind=name),
                    name=f"like_once_per_{name}",
                )
                for name in TARGETS
            ],
        ]
        indexes = [
            models.Index(fields=[name, "owner"], name=f"like_{name}_owner") for name in TARGETS
        ]

    def __str__(self) -> str:
        return f"{self.owner} likes a {self.kind}"

    @property
    def target(self) -> models.Model | None:
        found: models.Model | None = getattr(self, self.kind)
        return found
