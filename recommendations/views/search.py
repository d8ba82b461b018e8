"""Social search pages: /discover/search/?q=bike — the friends' funnel, trusted reviews and
nearby listings (`recommendations.social_search`). Thin: the selector reads, the view records
the usage log of the people shown and renders."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from config.errors import refusals_on
from marketplace.selectors.ratings import with_seller_reputations
from recommendations.social_search import clean_query, record_usage, social_search


@require_GET
def search(request):
    """The viewer's network for a query, before any listing."""
    q = clean_query(request.GET.get("q", ""))
    result, error = None, None
    if q:
        with refusals_on() as refused:
            result = social_search(request.user, q)
            record_usage(result.usage)
            if result.listings is not None:  # none for a word we do not know
                with_seller_reputations(request.user, list(result.listings.results))
        error = refused.error.message if refused.error else None
    return render(
        request,
        "recommendations/search/search.html",
        {"q": q, "result": result, "error": error},
        status=400 if error else 200,
    )


urlpatterns = [path("search/", search, name="search")]
