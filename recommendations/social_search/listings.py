"""For sale near you: listings matching the query, nearest first, each saying how many friends
reviewed its model."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from accounts.models import Profile, User
from marketplace.selectors.search import SearchPage, search_listings
from recommendations.social_search.matching import TopicMatch
from recommendations.social_search.network import GatedNetwork, gated_reviews

LISTINGS_LIMIT = 8
NEARBY_RADIUS_KM = 50  # "for sale near you": within a day's ride of the viewer's home


def friends_reviewed(
    viewer: User, network: GatedNetwork, product_ids: Iterable[int | None]
) -> dict[int, int]:
    """Per product model: how many friends reviewed it (gated). One grouped query."""
    products = [pk for pk in set(product_ids) if pk]
    if not products or not network.friend_ids:
        return {}
    rows = (
        gated_reviews(viewer, network)
        .filter(product_model_id__in=products, author_id__any=network.friend_ids)
        .values("product_model_id")
        .annotate(n=Count("author_id", distinct=True))
    )
    return {row["product_model_id"]: row["n"] for row in rows}


def nearby_listings(viewer: User, network: GatedNetwork, match: TopicMatch) -> SearchPage | None:
    """Matching listings nearest first (or best match without a home), each with
    `friends_reviewed` (0 when no friend reviewed its model)."""
    profile: Profile | None = getattr(viewer, "profile", None)  # none made yet: no home
    has_home = profile is not None and profile.has_home
    radius_km = NEARBY_RADIUS_KM if has_home else None
    sort = "distance" if has_home else None
    if match.category is not None:
        page = search_listings(
            viewer,
            "",
            category=match.category,
            page_size=LISTINGS_LIMIT,
            radius_km=radius_km,
            sort=sort,
        )
    elif match.q:
        page = search_listings(
            viewer, match.q, page_size=LISTINGS_LIMIT, radius_km=radius_km, sort=sort
        )
    else:
        return None
    counts = friends_reviewed(viewer, network, [row.product_model_id for row in page.results])
    for listing in page.results:
        product = listing.product_model_id
        # A figure for the page, set on the row as `annotate` would; the model has no such field.
        listing.friends_reviewed = counts.get(product, 0) if product else 0  # type: ignore[attr-defined]
    return page
