"""The catalog: the category tree, brands and product models that listings, purchases and
reviews point to, so what people buy and review adds up per product.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from social.models import Topic


class Category(models.Model):
    """A node of the category tree (Bikes > Mountain bikes). Staff extend it in the admin."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="categories",
        help_text="What people call it in posts: links posts about bikes to the Bikes category.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(Lower("name"), "parent", name="category_name_unique_in_parent"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="category_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name

    def with_descendants(self) -> list[int]:
        """This category's id and every id below it (the tree is small: one query)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent in Category.objects.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
        ids, todo = [], [self.pk]
        while todo:
            current = todo.pop()
            ids.append(current)
            todo.extend(children.get(current, []))
        return ids

    @property
    def root(self) -> Category:
        """The top of this category's branch (Bikes for Mountain bikes)."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class Brand(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductModel(models.Model):
    """A thing people buy and review (Trek Marlin 7), so purchases and reviews aggregate."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=160, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")

    class Meta:
        ordering = ["brand__name", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "brand", name="product_unique_per_brand")
        ]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}"


class CatalogSuggestion(models.Model):
    """A brand or model a seller named that the catalog lacks, for staff to merge into an
    existing entry or add (`marketplace.services.catalog_suggestions`); either way the listings
    that named it then point to the catalog entry. One pending suggestion per name, kind and
    category, however many sellers named it."""

    class Kind(models.TextChoices):
        BRAND = "brand", "Brand"
        MODEL = "model", "Model"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        MERGED = "merged", "Merged into the catalog"
        ADDED = "added", "Added to the catalog"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=5, choices=Kind)
    name = models.CharField(max_length=120)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="suggestions")
    brand = models.ForeignKey(
        Brand,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="model_suggestions",
        help_text="For a model: its brand, when the catalog has it.",
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="catalog_suggestions",
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                "kind",
                Lower("name"),
                "category",
                condition=Q(status="pending"),
                name="one_pending_suggestion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} “{self.name}” in {self.category.name}"
