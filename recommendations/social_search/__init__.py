"""Social search: how the viewer's own network decided, before any listing.

    result = social_search(viewer, "bike")
    result.funnel.steps   # talked about bikes > bought one > bought mountain bikes > same brand
    result.reviews        # friends' and friends of friends' reviews, most trusted first
    result.listings       # matching listings nearby, with "2 friends reviewed this model"

The rules, which every number and every name here passes:

1. Purchases and reviews are counted or shown only when their owner allows `social_proof` for
   this viewer (the one consent gate, `privacy.consent`, asked once per person of the network:
   `allowed_among`). A person who did not consent is never counted at all, so no sequence of
   searches, unfriendings or circle edits can single out their purchase by differencing two
   answers.
2. Posts are counted by the audience policy alone (`visible_to`, on their tags): they are already
   shared with the viewer. Reviews are also read through `Review.objects.visible_to`.
3. Blocked people, either way, are never in the network and never counted.
4. Friends who consented are named and counted exactly, as they consented. Friends of friends
   are never named in the funnel: their counts, and a kind or brand taken from their purchases
   alone, are released with calibrated noise (`privacy.releases`: the same answer all day, from
   the viewer's daily privacy budget) and shown as words ("about 10", "fewer than 5"). Without
   anyone beyond friends who could be counted, nothing is said of them at all.
5. A bounded number of queries whatever the size of the network: the network is read once
   (`network_of`), then one query per kind of fact (posts, purchases, reviews) returns the rows
   of friends and friends of friends together; friends are named from them, friends of friends
   only counted.

Reading never writes: the callers (page, API, "friends who bought this") pass the result's
`usage` to `record_usage`, one usage-log entry per person whose data was counted or shown.

By concern: `matching` (the query to the catalog), `network` (the gated network and its rows of
the topic), `funnel` with `buyers` and `beyond` (the noisy counts beyond friends), `ranking`
(trusted reviews), `listings` (for sale nearby), `bought` (friends who bought this), `usage`, and
`search`, which puts them together.
"""

from recommendations.social_search.bought import FriendsWhoBought, friends_who_bought
from recommendations.social_search.matching import (
    TopicMatch,
    catalog_changed,
    clean_query,
    match_query,
)
from recommendations.social_search.network import Gate, GatedNetwork, network_of
from recommendations.social_search.search import SocialSearch, social_search
from recommendations.social_search.usage import record_usage

__all__ = [
    "FriendsWhoBought",
    "Gate",
    "GatedNetwork",
    "SocialSearch",
    "TopicMatch",
    "catalog_changed",
    "clean_query",
    "friends_who_bought",
    "match_query",
    "network_of",
    "record_usage",
    "social_search",
]
