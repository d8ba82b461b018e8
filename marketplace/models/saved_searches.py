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


class SavedSearchWord(models.Model):
    """One word of a saved search's query as the search compares words (folded, singular, no
    stop words: `marketplace.search.vocabulary.query_words`), so that a new listing is matched
    against every saved search in one query: a search's words must all be among the words the
    listing answers (`marketplace.selectors.saved_search_matches`).

    Derived from `SavedSearch.query` by the saved-search services, which write them with the
    search (migration 0014 wrote them for the searches saved before). A change to the
    normaliser comes with a migration that writes them again, as for `Listing.title_words`."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="words")
    word = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["search", "word"], name="saved_search_word_once")
        ]

    def __str__(self) -> str:
        return self.word
