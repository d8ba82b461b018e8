"""Saved searches, the watchlist, and telling people when a new listing matches their search.

A saved search is checked like a search (`marketplace.selectors.search`). When a listing goes
live, `on_listing_published` queues the task "marketplace.notify_saved_searches" after the commit;
the task (`saved_searches_notify`) tells the owner of every saved search the listing matches by the
search's own rules, as that owner would see it: never the seller, never someone the listing's
audience leaves out, never across a block.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Q

from accounts.models import User
from config.errors import Conflict, DomainError, NotFound
from marketplace.models import Category, Listing, SavedSearch, Watch
from marketplace.selectors.search import listing_url, matching_listings
from marketplace.selectors.search_params import (
    QUERY_MAX_LENGTH,
    SearchCriteria,
    home_of,
    parse_category,
    parse_price,
    parse_radius,
)
from marketplace.services.money import MoneyInput
from social.audience import blocked_either_way
from social.models import Notification
from social.services.notifications import notify

MAX_SAVED_SEARCHES = 50
NOTIFICATION_KIND = "saved_search"


# --- Saved searches --------------------------------------------------------------------------


@transaction.atomic
def saved_search_create(
    *,
    owner: User,
    query: str = "",
    category: Category | int | str | None = None,
    max_price: MoneyInput = None,
    radius_km: int | str | None = None,
) -> SavedSearch:
    """Save a search to hear about new listings that match it.

    Needs words or a category (a search for everything would notify on every listing). The
    radius is measured from the owner's home, so a radius needs a home. Raises `DomainError` on
    bad input (as a search would), `Conflict` when the same search is already saved."""
    query = (query or "").strip()
    if len(query) > QUERY_MAX_LENGTH:
        raise DomainError(f"Keep the search under {QUERY_MAX_LENGTH} characters.", code="invalid_q")
    chosen = parse_category(category)
    price = parse_price(max_price, "max_price")
    radius = parse_radius(radius_km)
    if not query and chosen is None:
        raise DomainError(
            "Give some words or a category: a search for everything would tell you about every "
            "listing.",
            code="empty_search",
        )
    if radius is not None and home_of(owner) is None:
        raise DomainError(
            "A radius is measured from your home: set it in your profile first.", code="no_home"
        )
    mine = SavedSearch.objects.select_for_update().filter(owner=owner)
    if len(mine) >= MAX_SAVED_SEARCHES:
        raise DomainError(
            f"You can keep {MAX_SAVED_SEARCHES} saved searches; delete one you no longer need.",
            code="too_many",
        )
    if mine.filter(
        query__iexact=query, category=chosen, max_price=price, radius_km=radius
    ).exists():
        raise Conflict("You have already saved this search.", code="duplicate")
    return SavedSearch.objects.create(
        owner=owner, query=query, category=chosen, max_price=price, radius_km=radius
    )


@transaction.atomic
def saved_search_delete(*, owner: User, saved_search_id: int) -> None:
    """Forget one of the owner's saved searches. Raises `NotFound` for anyone else's."""
    deleted, _ = SavedSearch.objects.filter(owner=owner, pk=saved_search_id).delete()
    if not deleted:
        raise NotFound("You have no such saved search.", code="no_saved_search")


# --- Watchlist -------------------------------------------------------------------------------


@transaction.atomic
def watch_add(*, user: User, listing_id: int) -> Watch:
    """Put a listing the person can see on their watchlist (adding it twice keeps one).

    Raises `NotFound` for a listing they cannot see, `DomainError` for their own listing or
    one that is no longer for sale."""
    listing = Listing.objects.openable_by(user).filter(pk=listing_id).first()
    if listing is None:
        raise NotFound("No such listing.", code="no_listing")
    if listing.seller_id == user.pk:
        raise DomainError("This is your own listing.", code="own_listing")
    if not listing.is_live:
        raise DomainError("This listing is no longer for sale.", code="not_live")
    watch, _ = Watch.objects.get_or_create(user=user, listing=listing)
    return watch


@transaction.atomic
def watch_remove(*, user: User, listing_id: int) -> None:
    """Take a listing off the watchlist. Raises `NotFound` when it is not on it."""
    deleted, _ = Watch.objects.filter(user=user, listing_id=listing_id).delete()
    if not deleted:
        raise NotFound("This listing is not on your watchlist.", code="not_watched")


# --- Notifications of new matches ------------------------------------------------------------


def on_listing_published(listing: Listing) -> None:
    """Call when a listing goes live: saved searches are checked once the transaction commits."""
    from marketplace.tasks import notify_saved_searches

    notify_saved_searches.delay_on_commit(listing.pk)


def _ancestors(category_id: int) -> list[int]:
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    chain: list[int] = []
    current: int | None = category_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def saved_searches_notify(*, listing_id: int) -> int:
    """Tell the owners of saved searches that match this listing about it; returns how many.

    A search matches by the search rules (`matching_listings`): its words, its category or one
    above the listing's, its maximum price, its radius around the owner's home, and the listing
    visible to the owner (audience and blocks). The seller is never told about their own listing,
    each owner at most once per listing, even when the task runs again."""
    listing = (
        Listing.objects.live().filter(pk=listing_id, hidden=False).select_related("seller").first()
    )
    if listing is None or not listing.seller.is_active:
        return 0
    url = listing_url(listing)
    already = set(
        Notification.objects.filter(kind=NOTIFICATION_KIND, url=url).values_list(
            "recipient_id", flat=True
        )
    )
    candidates = (
        SavedSearch.objects.filter(
            Q(category__isnull=True) | Q(category_id__in=_ancestors(listing.category_id)),
            Q(max_price__isnull=True) | Q(max_price__gte=listing.price),
            owner__is_active=True,
        )
        .exclude(owner_id=listing.seller_id)
        .exclude(owner_id__in=already)
        .exclude(blocked_either_way(OuterRef("owner_id"), listing.seller_id))
        .select_related("owner__profile")
        .order_by("owner_id", "pk")
    )
    told: set[int] = set()
    for saved in candidates:
        if saved.owner_id in told:
            continue
        home = home_of(saved.owner)
        if saved.radius_km is not None and home is None:
            continue
        criteria = SearchCriteria(
            q=saved.query,
            max_price=saved.max_price,
            point=home,
            radius_km=saved.radius_km,
        )
        if not matching_listings(saved.owner, criteria).filter(pk=listing.pk).exists():
            continue
        notify(
            recipient=saved.owner,
            kind=NOTIFICATION_KIND,
            about=listing.seller,
            text=f"New for your search “{saved}”: {listing.title}",
            url=url,
        )
        told.add(saved.owner_id)
    return len(told)
