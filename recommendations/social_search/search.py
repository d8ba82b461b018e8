"""The search itself: the match, the gated network and its rows of the topic, then the funnel,
the trusted reviews and the nearby listings, each reading what the others already read."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from accounts.models import User
from marketplace.models import Review
from marketplace.selectors.search import SearchPage
from querycache.lookups import IdArray
from recommendations.social_search.brands import mark_fans
from recommendations.social_search.funnel import (
    Funnel,
    attach_step_reviews,
    build_funnel,
    step_review_ids,
)
from recommendations.social_search.listings import nearby_listings
from recommendations.social_search.matching import TopicMatch, match_query
from recommendations.social_search.network import network_of, topic_rows
from recommendations.social_search.ranking import RankedReview, ranked_reviews, trusted_reviews
from recommendations.social_search.usage import Uses


@dataclass
class SocialSearch:
    q: str
    match: TopicMatch
    funnel: Funnel | None
    reviews: list[RankedReview]
    listings: SearchPage | None
    usage: Uses = field(default_factory=dict)


def read_reviews(pks: Collection[int]) -> dict[int, Review]:
    """The reviews a search shows (under the steps and among the trusted), whole: one query."""
    if not pks:
        return {}
    reviews = Review.objects.filter(pk__any=IdArray(pks)).select_related(
        "author__profile", "product_model__brand", "purchase"
    )
    return {review.pk: review for review in reviews}


def social_search(viewer: User, q: str, *, with_listings: bool = True) -> SocialSearch:
    """The viewer's network funnel for `q`, their trusted reviews and nearby listings.

    Writes only the noisy release of the counts beyond friends (`privacy.releases`); pass
    `result.usage` to `record_usage` once the result is shown. A bounded number of queries
    whatever the size of the network. Raises `DomainError` only from the listings search's own
    input checks."""
    match = match_query(q)
    uses: Uses = {}
    if match.empty:
        return SocialSearch(q=match.q, match=match, funnel=None, reviews=[], listings=None)
    network = network_of(viewer)
    topic = topic_rows(viewer, network, match)
    funnel = build_funnel(viewer, network, match, topic, uses)
    chosen = step_review_ids(match, topic, funnel)
    trusted = trusted_reviews(network, match, topic)
    wanted = {pk for under in chosen.values() for pks in under.values() for pk in pks}
    by_pk = read_reviews(wanted | set(trusted.ids))
    attach_step_reviews(funnel, chosen, by_pk, uses)
    reviews = ranked_reviews(trusted, by_pk, uses)
    mark_fans(viewer, reviews)
    listings = nearby_listings(viewer, network, match) if with_listings else None
    return SocialSearch(
        q=match.q, match=match, funnel=funnel, reviews=reviews, listings=listings, usage=uses
    )
