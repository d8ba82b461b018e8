"""What people keep an eye on: searches they saved (a new match notifies them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from marketplace.models.catalog import Category


class SavedSearch(models.Model):
    """A search a person wants to hear about: a new matching listing notifies them."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    query = models.CharField(max_length=120, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    max_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    radius_km = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.query or str(self.category)
