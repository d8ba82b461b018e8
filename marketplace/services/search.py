"""Saved searches, the watchlist, and telling people when a new listing matches their search.

A saved search is checked like a search (`marketplace.selectors.search`). When a listing goes
live, `on_listing_published` queues the task "marketplace.notify_saved_searches" after the commit;
the task (`saved_searches_notify`) tells the owner of every saved search the listing matches by the
search's own rules, as that owner would see it: never the seller, never someone the listing's
audience leaves out, never across a block. The matching saved searches are found in one query
however many there are (`marketplace.selectors.saved_search_matches`), which is why a saved
search keeps its query's words in the search's normal form (`SavedSearchWord`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from accounts.models import User
from config.bulk import backdate, numbered_rows, refuse_row
from config.errors import Conflict, DomainError, NotFound
from marketplace.models import Category, Listing, SavedSearch, Watch
from marketplace.models.saved_searches import SavedSearchWord
from marketplace.search.vocabulary import query_words
from marketplace.selectors.listings import openable_among
from marketplace.selectors.saved_search_matches import listing_to_match, saved_searches_matching
from marketplace.selectors.search import listing_url
from marketplace.selectors.search_params import (
    QUERY_MAX_LENGTH,
    home_of,
    parse_category,
    parse_price,
    parse_radius,
)
from marketplace.services.money import MoneyInput
from social.models import Notification
from social.services.notifications import NewNotification, notifications_create

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
    search = _search_checked(query, category, max_price, radius_km)
    if search.radius_km is not None and home_of(owner) is None:
        raise _no_home()
    mine = SavedSearch.objects.select_for_update().filter(owner=owner)
    if len(mine) >= MAX_SAVED_SEARCHES:
        raise _too_many()
    if mine.filter(
        query__iexact=search.query,
        category=search.category,
        max_price=search.max_price,
        radius_km=search.radius_km,
    ).exists():
        raise _duplicate_search()
    saved = SavedSearch.objects.create(
        owner=owner,
        query=search.query,
        category=search.category,
        max_price=search.max_price,
        radius_km=search.radius_km,
    )
    SavedSearchWord.objects.bulk_create(_words_of([saved]))
    return saved


def _search_checked(
    query: str,
    category: Category | int | str | None,
    max_price: MoneyInput,
    radius_km: int | str | None,
) -> SavedSearch:
    """The rules on a saved search that need no look at its owner, as an unsaved row (checked
    like a search: `search_params`)."""
    query = (query or "").strip()
    if len(query) > QUERY_MAX_LENGTH:
        raise DomainError(f"Keep the search under {QUERY_MAX_LENGTH} characters.", code="invalid_q")
    chosen = parse_category(category)
    if not query and chosen is None:
        raise DomainError(
            "Give some words or a category: a search for everything would tell you about every "
            "listing.",
            code="empty_search",
        )
    return SavedSearch(
        query=query,
        category=chosen,
        max_price=parse_price(max_price, "max_price"),
        radius_km=parse_radius(radius_km),
    )


def _words_of(searches: Iterable[SavedSearch]) -> list[SavedSearchWord]:
    """The words of saved searches already written, as rows to write with them: what a new
    listing's words are matched against (`saved_search_matches`)."""
    return [
        SavedSearchWord(search=saved, word=word)
        for saved in searches
        for word in query_words(saved.query)
    ]


def _no_home() -> DomainError:
    return DomainError(
        "A radius is measured from your home: set it in your profile first.", code="no_home"
    )


def _too_many() -> DomainError:
    return DomainError(
        f"You can keep {MAX_SAVED_SEARCHES} saved searches; delete one you no longer need.",
        code="too_many",
    )


def _duplicate_search() -> Conflict:
    return Conflict("You have already saved this search.", code="duplicate")


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
    _check_watchable(user.pk, listing)
    watch, _ = Watch.objects.get_or_create(user=user, listing=listing)
    return watch


def _check_watchable(user_id: int, listing: Listing | None) -> None:
    """`listing` is what the person may open of the one they asked for (None: nothing)."""
    if listing is None:
        raise NotFound("No such listing.", code="no_listing")
    if listing.seller_id == user_id:
        raise DomainError("This is your own listing.", code="own_listing")
    if not listing.is_live:
        raise DomainError("This listing is no longer for sale.", code="not_live")


@transaction.atomic
def watch_remove(*, user: User, listing_id: int) -> None:
    """Take a listing off the watchlist. Raises `NotFound` when it is not on it."""
    deleted, _ = Watch.objects.filter(user=user, listing_id=listing_id).delete()
    if not deleted:
        raise NotFound("This listing is not on your watchlist.", code="not_watched")


# --- Many at once (the demo, imports) --------------------------------------------------------


@dataclass(frozen=True)
class NewSavedSearch:
    """A saved search to write in bulk (`saved_search_create`'s arguments by id), and when it
    was saved (None: now)."""

    owner_id: int
    query: str = ""
    category: Category | int | str | None = None
    max_price: MoneyInput = None
    radius_km: int | str | None = None
    at: datetime | None = None


@transaction.atomic
def saved_searches_create(*, searches: Sequence[NewSavedSearch]) -> list[SavedSearch]:
    """`saved_search_create` for many at once, under its rules (one query each for homes, counts
    and duplicates). Raises DomainError naming the first row refused; then nothing is written."""
    rows = []
    for index, wanted in enumerate(searches):
        with numbered_rows(index):
            row = _search_checked(wanted.query, wanted.category, wanted.max_price, wanted.radius_km)
        row.owner_id = wanted.owner_id
        rows.append(row)
    owners = {row.owner_id for row in rows}
    housed = set(
        User.objects.filter(
            pk__in=owners,
            profile__home_latitude__isnull=False,
            profile__home_longitude__isnull=False,
        ).values_list("pk", flat=True)
    )
    counts = Counter(
        SavedSearch.objects.filter(owner_id__in=owners).values_list("owner_id", flat=True)
    )

    def key(row: SavedSearch) -> tuple[object, ...]:
        return (row.owner_id, row.query.lower(), row.category_id, row.max_price, row.radius_km)

    taken = {key(row) for row in SavedSearch.objects.filter(owner_id__in=owners)}
    for index, row in enumerate(rows):
        if row.radius_km is not None and row.owner_id not in housed:
            raise refuse_row(index, _no_home())
        counts[row.owner_id] += 1
        if counts[row.owner_id] > MAX_SAVED_SEARCHES:
            raise refuse_row(index, _too_many())
        if key(row) in taken:
            raise refuse_row(index, _duplicate_search())
        taken.add(key(row))
    written = SavedSearch.objects.bulk_create(rows)
    SavedSearchWord.objects.bulk_create(_words_of(written))
    backdate(written, {"created_at": [wanted.at for wanted in searches]})
    return written


@dataclass(frozen=True)
class NewWatch:
    """A listing to put on someone's watchlist in bulk, and when (None: now)."""

    user_id: int
    listing_id: int
    at: datetime | None = None


@transaction.atomic
def watches_create(*, watches: Sequence[NewWatch]) -> list[Watch]:
    """`watch_add` for many at once, under its rules (what each person may open: one query per
    person). Raises DomainError naming the first row refused; then nothing is written. A listing
    already watched stays watched once."""
    users = User.objects.in_bulk({watch.user_id for watch in watches})
    openable = openable_among(users, [(watch.user_id, watch.listing_id) for watch in watches])
    for index, watch in enumerate(watches):
        with numbered_rows(index):
            _check_watchable(watch.user_id, openable.get((watch.user_id, watch.listing_id)))
    already = set(Watch.objects.filter(user_id__in=users).values_list("user_id", "listing_id"))
    fresh = [
        watch
        for watch in dict.fromkeys(watches)
        if (watch.user_id, watch.listing_id) not in already
    ]
    written = Watch.objects.bulk_create(
        [Watch(user_id=watch.user_id, listing_id=watch.listing_id) for watch in fresh]
    )
    backdate(written, {"created_at": [watch.at for watch in fresh]})
    return written


# --- Notifications of new matches ------------------------------------------------------------


def on_listing_published(listing: Listing) -> None:
    """Call when a listing goes live: saved searches are checked once the transaction commits."""
    from marketplace.tasks import notify_saved_searches

    notify_saved_searches.enqueue(listing.pk)


def saved_searches_notify(*, listing_id: int) -> int:
    """Tell the owners of saved searches that match this listing about it; returns how many.

    A search matches by the search rules (`matching_listings`): its words, its category or one
    above the listing's, its maximum price, its radius around the owner's home, and the listing
    visible to the owner (audience and blocks). The seller is never told about their own listing,
    each owner at most once per listing, even when the task runs again. A fixed number of
    queries however many saved searches there are: the listing and the category tree, the
    matching searches (`saved_searches_matching`), then the notices written in one batch."""
    new = listing_to_match(listing_id)
    if new is None:
        return 0
    listing = new.listing
    url = listing_url(listing)
    told_before = Notification.objects.filter(kind=NOTIFICATION_KIND, url=url)
    notices = [
        NewNotification(
            recipient_id=saved.owner_id,
            kind=NOTIFICATION_KIND,
            about_id=listing.seller_id,
            text=f"New for your search “{saved}”: {listing.title}",
            url=url,
        )
        for saved in saved_searches_matching(new, skip_owners=told_before.values("recipient_id"))
    ]
    if notices:
        notifications_create(notices=notices, deliver_now=True)
    return len(notices)
