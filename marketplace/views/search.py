"""Search pages: find listings, saved searches, the watchlist.

Thin: input goes to `marketplace.selectors.search` and `marketplace.services.search`; a refusal
(`DomainError`) is shown next to the field it is about, with a 400, never a 500. Watch buttons
answer htmx with the refreshed button and plain requests with a redirect back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from config.errors import back_or, refusal_redirects, refusals_on
from marketplace.models import Listing, Watch
from marketplace.selectors import search as selectors
from marketplace.selectors.ratings import with_seller_reputations
from marketplace.services import search as services

RADIUS_CHOICES = (5, 10, 25, 50, 100, 250, 500)


def _back_to_search(request, **_) -> str:
    return back_or(request, reverse("marketplace:search"))


def _back_to_watchlist(request, **_) -> str:
    return back_or(request, reverse("marketplace:watchlist"))


@login_not_required
@require_GET
def search(request):
    """The search box, filters and a page of results (nearest first when nothing is asked and
    the viewer has a home). Open to visitors who are not signed in: they see what the audience
    policy shows anyone (public listings), read-only."""
    params = request.GET
    chosen = {
        "q": params.get("q", "")[:200],
        "category": params.get("category", ""),
        "min_price": params.get("min_price", ""),
        "max_price": params.get("max_price", ""),
        "conditions": params.getlist("condition"),
        "near": params.get("near", ""),
        "radius_km": params.get("radius_km", ""),
        "sort": params.get("sort", ""),
        "delivery": params.get("delivery", ""),
        "currency": params.get("currency", ""),
    }
    page = None
    with refusals_on() as refused:
        page = selectors.search_listings(
            request.user,
            chosen["q"],
            category=chosen["category"],
            min_price=chosen["min_price"],
            max_price=chosen["max_price"],
            conditions=chosen["conditions"],
            near=chosen["near"] or None,
            radius_km=chosen["radius_km"],
            sort=chosen["sort"],
            delivery=chosen["delivery"],
            currency=chosen["currency"],
            page=params.get("page", "1"),
        )
    error = refused.error
    if page is not None:  # what the search chose where nothing was asked
        chosen["sort"], chosen["currency"] = page.criteria.sort, page.criteria.currency
    watched = set()
    if page is not None and page.results and request.user.is_authenticated:
        watched = set(
            Watch.objects.filter(
                user=request.user, listing__in=[listing.pk for listing in page.results]
            ).values_list("listing_id", flat=True)
        )
        for listing in page.results:
            listing.watching = listing.pk in watched
        with_seller_reputations(request.user, page.results)
    return render(
        request,
        "marketplace/search/search.html",
        {
            "page": page,
            "chosen": chosen,
            "error": error,
            "error_field": error.field if error else "",
            "categories": selectors.category_options(),
            "conditions": Listing.Condition.choices,
            "sorts": selectors.Sort.CHOICES,
            "currencies": Listing.Currency.choices,
            "radii": RADIUS_CHOICES,
            "has_home": selectors.home_of(request.user) is not None,
        },
        status=400 if error else 200,
    )


@require_GET
def saved_searches(request):
    return render(
        request,
        "marketplace/search/saved.html",
        {"saved_searches": list(selectors.saved_searches_of(request.user))},
    )


@require_POST
@refusal_redirects(_back_to_search)
def saved_search_create(request):
    services.saved_search_create(
        owner=request.user,
        query=request.POST.get("q", ""),
        category=request.POST.get("category", ""),
        max_price=request.POST.get("max_price", ""),
        radius_km=request.POST.get("radius_km", ""),
    )
    messages.success(request, "Search saved: we will tell you when a new listing matches it.")
    return redirect("marketplace:saved_searches")


@require_POST
@refusal_redirects("marketplace:saved_searches")
def saved_search_delete(request, saved_search_id: int):
    services.saved_search_delete(owner=request.user, saved_search_id=saved_search_id)
    messages.success(request, "Saved search deleted.")
    return redirect("marketplace:saved_searches")


@require_GET
def watchlist(request):
    watches = list(selectors.watchlist_of(request.user))
    with_seller_reputations(request.user, [watch.listing for watch in watches])
    return render(request, "marketplace/search/watchlist.html", {"watches": watches})


def _watch_button(request, listing_id: int, watching: bool):
    return render(
        request,
        "marketplace/search/_watch_button.html",
        {"listing_id": listing_id, "watching": watching},
    )


def _watch_action(request, listing_id: int, action, watching_after: bool, success: str):
    action(user=request.user, listing_id=listing_id)
    if request.htmx:
        return _watch_button(request, listing_id, watching_after)
    messages.success(request, success)
    return redirect(_back_to_watchlist(request))


@require_POST
@refusal_redirects(
    _back_to_watchlist,
    htmx=lambda request, listing_id: _watch_button(request, listing_id, watching=False),
)
def watch_add(request, listing_id: int):
    return _watch_action(request, listing_id, services.watch_add, True, "Added to your watchlist.")


@require_POST
@refusal_redirects(
    _back_to_watchlist,
    htmx=lambda request, listing_id: _watch_button(request, listing_id, watching=True),
)
def watch_remove(request, listing_id: int):
    return _watch_action(
        request, listing_id, services.watch_remove, False, "Taken off your watchlist."
    )


urlpatterns = [
    path("search/", search, name="search"),
    path("search/saved/", saved_searches, name="saved_searches"),
    path("search/saved/new/", saved_search_create, name="saved_search_create"),
    path(
        "search/saved/<int:saved_search_id>/delete/",
        saved_search_delete,
        name="saved_search_delete",
    ),
    path("watchlist/", watchlist, name="watchlist"),
    path("watchlist/<int:listing_id>/add/", watch_add, name="watch_add"),
    path("watchlist/<int:listing_id>/remove/", watch_remove, name="watch_remove"),
]
