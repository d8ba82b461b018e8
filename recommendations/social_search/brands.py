"""A brand's page, as the viewer's network knows it: reviews of the brand's products by people of
the network, through the same gates as social search (the audience policy, then `social_proof`
consent, asked once per person of the network), friends first.

    found = brand_network_reviews(viewer, brand)
    found.reviews   # [NetworkReview(review, relation="friend" | "fof", fan=True | False), ...]
    record_usage(found.usage)   # once shown

`fan` says the reviewer is a fan of the brand, only where their fan row's own audience lets the
viewer see it ("Anna, a fan of Trek"): being a fan is not learned any other way. Never on the
brand's page for the people who run it: there they act for the brand, which sees no fan by name
(they still see the reviews shared with them as a person).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import User
from marketplace.models import Brand, Review
from marketplace.services.brands import fans_seen_by, fans_visible_to
from recommendations.social_search.network import gated_reviews, network_of
from recommendations.social_search.ranking import RankedReview
from recommendations.social_search.usage import Uses, note_shown

BRAND_REVIEWS_SHOWN = 5
BRAND_REVIEWS_READ = 50  # the newest the network wrote, ranked in Python (friends first)


@dataclass(frozen=True)
class NetworkReview:
    review: Review
    relation: str  # "friend" or "fof"
    fan: bool = False


@dataclass
class BrandNetworkReviews:
    reviews: list[NetworkReview] = field(default_factory=list)
    usage: Uses = field(default_factory=dict)


def fans_among(viewer: User, brand: Brand, people: set[int]) -> set[int]:
    """Those of `people` whose being a fan of `brand` the viewer may see (each fan's audience)."""
    if not people:
        return set()
    return set(
        fans_seen_by(viewer, brand).filter(member_id__in=people).values_list("member_id", flat=True)
    )


def brand_network_reviews(viewer: User | None, brand: Brand) -> BrandNetworkReviews:
    """The viewer's network's reviews of `brand`'s products, friends first (closest first), then
    friends of friends, newest first within each. Nothing for a visitor."""
    found = BrandNetworkReviews()
    if viewer is None or not viewer.is_authenticated:
        return found
    network = network_of(viewer)
    rows = list(
        gated_reviews(viewer, network)
        .filter(product_model__brand=brand)
        .select_related("author__profile", "product_model__brand")
        .order_by("-created_at", "-id")[:BRAND_REVIEWS_READ]
    )
    ties = network.ties
    # Every review read has an author: the gate reads reviews of people of the network.
    rows.sort(
        key=lambda review: (review.author_id not in ties, -ties.get(review.author_id or 0, 0))
    )
    shown = rows[:BRAND_REVIEWS_SHOWN]
    authors = {r.author_id for r in shown if r.author_id is not None}
    fans = fans_among(viewer, brand, authors)
    for review in shown:
        relation = "friend" if review.author_id in ties else "fof"
        found.reviews.append(NetworkReview(review, relation, fan=review.author_id in fans))
        note_shown(found.usage, review)
    return found


def mark_fans(viewer: User, reviews: list[RankedReview]) -> None:
    """Set `fan_of` on the trusted reviews whose author is a fan of the reviewed product's
    brand, where the fan's own audience lets `viewer` see it, and `viewer` does not run that
    brand's page. One query, none without reviews."""
    brands = {
        item.review.product_model.brand_id
        for item in reviews
        if item.review is not None and item.review.product_model is not None
    }
    if not brands:
        return
    seen = set(
        fans_visible_to(viewer)
        .filter(member_id__in={item.author for item in reviews}, brand_id__in=brands)
        .values_list("member_id", "brand_id")
    )
    for item in reviews:
        product = item.review.product_model if item.review is not None else None
        if product is not None and (item.author, product.brand_id) in seen:
            item.fan_of = product.brand.name
