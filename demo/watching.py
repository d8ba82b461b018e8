"""Saved searches and watchlists of the demo people."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from demo.market import (
    EVERYDAY_CATEGORIES,
    MARKET_SEED,
    between,
    categories_for,
    point_of,
    read_catalog,
    read_community,
    round_price,
    usable_items,
)
from demo.people import ANNA, BEN, demo_step
from marketplace.models import (
    Listing,
    SavedSearch,
    Watch,
)
from marketplace.services.search import (
    NewSavedSearch,
    NewWatch,
    saved_searches_create,
    watches_create,
)

# Saved searches for Anna and Ben: (query, category slug, max price, radius km).
SAVED_SEARCHES = {
    ANNA.email: (("gravel", "gravel-bikes", 1000, 25), ("panniers", "", None, 15)),
    BEN.email: (("", "climbing", None, 20), ("camera", "", 700, 30)),
}
OTHER_SAVED_SEARCHES = 8
WATCHES = {ANNA.email: 4, BEN.email: 3}
OTHER_WATCHES = 20


@demo_step
def seed_watching() -> str:
    """Saved searches (Anna's gravel bike under 1,000 €, Ben's climbing gear, a few others) and
    watchlists of live listings the watchers may see."""
    community = read_community()
    ids = community.ids
    saved_before = SavedSearch.objects.filter(owner_id__in=ids)
    watched_before = Watch.objects.filter(user_id__in=ids)
    if saved_before.exists() or watched_before.exists():
        return (
            f"Saved searches: {saved_before.count()}, watched listings: {watched_before.count()} "
            "(already seeded, 0 new)"
        )
    rng = random.Random(MARKET_SEED + 3)
    catalog = read_catalog()
    now = timezone.now()

    wanted: list[tuple[int, str, str, Decimal | int | None, int | None]] = []
    for email, chosen in SAVED_SEARCHES.items():
        user = community.by_email(email)
        if user is not None:
            wanted += [(user.pk, *row) for row in chosen]
    others = [pk for pk in ids if community.users[pk].email not in SAVED_SEARCHES]
    for pk in rng.sample(others, min(len(others), OTHER_SAVED_SEARCHES)):
        slug = rng.choice(categories_for(community.people[pk]) or list(EVERYDAY_CATEGORIES))
        items = usable_items(catalog, slug)
        high = max((item.high for item in items), default=200)
        max_price = rng.choice((None, round_price(high * 0.8)))
        wanted.append((pk, "", slug, max_price, rng.choice((10, 20, 30))))
    searches = [
        NewSavedSearch(
            owner_id=pk,
            query=query,
            category=catalog.categories.get(slug),
            max_price=Decimal(max_price) if max_price is not None else None,
            radius_km=radius if pk in community.homes else None,
        )
        for pk, query, slug, max_price, radius in wanted
        if query or slug in catalog.categories
    ]
    searches = [replace(search, at=now - timedelta(days=rng.uniform(2, 90))) for search in searches]
    saved = saved_searches_create(searches=searches)

    live = list(Listing.objects.live().filter(seller_id__in=ids, hidden=False).order_by("pk"))
    named = [(community.by_email(email), count) for email, count in WATCHES.items()]
    watchers = [(user.pk, count) for user, count in named if user is not None]
    rest = [pk for pk in ids if pk not in {pk for pk, _ in watchers}]
    watchers += [(pk, 1) for pk in rng.choices(rest, k=OTHER_WATCHES)] if rest else []
    viewers = community.seeing(Listing, live)
    rows: list[NewWatch] = []
    taken: set[tuple[int, int]] = set()
    for pk, count in watchers:
        seen = [
            listing
            for listing in live
            if pk in viewers[listing.pk] and (pk, listing.pk) not in taken
        ]
        # Anna and Ben keep an eye on things in their own part of town first.
        seen.sort(key=lambda listing: not community.close_to(pk, point_of(listing)))
        for listing in rng.sample(seen[: max(count * 4, 8)], min(count, len(seen))):
            taken.add((pk, listing.pk))
            when = between(rng, listing.published_at or now, now)
            rows.append(NewWatch(pk, listing.pk, at=when))
    watched = watches_create(watches=rows)
    return (
        f"Saved searches: {len(saved)}, watched listings: {len(watched)} "
        f"({len(saved) + len(watched)} new)"
    )
