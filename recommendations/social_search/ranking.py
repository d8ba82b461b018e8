"""Reviews by friends and friends of friends, most trusted first: tie strength (a friend of a
friend's best path, discounted) × (1 + expertise in the topic) × recency, a few voices rather
than one voice many times."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Profile
from marketplace.models import HelpfulVote, Review
from querycache.lookups import IdArray
from querycache.prepared import Prepared
from recommendations.social_search.matching import TopicMatch
from recommendations.social_search.network import GatedNetwork, TopicRows
from recommendations.social_search.usage import Uses, note_shown
from social.models import Friendship
from social.topics import topics_in

REVIEWS_LIMIT = 10
REVIEW_CANDIDATES = 200  # newest gated reviews considered for the trust ranking
REVIEWS_PER_AUTHOR = 2  # one person's reviews among the trusted ones, at most
FOF_DISCOUNT = 0.5  # a friend of a friend's path strength counts half a direct tie
RECENCY_HALF_LIFE_DAYS = 365


@dataclass
class RankedReview:
    """A review chosen by `trusted_reviews`, with why it ranks where it does; `review` is the
    review read whole, once the search has read the ones it shows (`ranked_reviews`)."""

    pk: int
    author: int
    relation: str  # "friend" or "fof"
    strength: float
    expertise: float
    recency: float
    score: float
    reasons: list[str]
    review: Review | None = None
    # The brand of the review's product, when the viewer may see that its author is a fan of it.
    fan_of: str = ""


@dataclass
class Expertise:
    """What an author did in the query's topic: verified purchases, reviews the viewer may see,
    helpful votes those reviews received, and whether they declared an interest in it."""

    verified: int = 0
    reviews: int = 0
    helpful: int = 0
    interest: bool = False

    @property
    def weight(self) -> float:
        weighted = 2 * self.verified + self.reviews + 0.5 * self.helpful
        return math.log1p(weighted) + (1.0 if self.interest else 0.0)

    def reasons(self, label: str) -> list[str]:
        """Why this author's review ranks where it does, in words ("3 verified purchases")."""
        said = []
        if self.verified:
            said.append(f"{self.verified} verified purchase{'s' * (self.verified > 1)}")
        if self.reviews > 1:
            said.append(f"{self.reviews} reviews of {label}")
        if self.helpful:
            said.append(f"{self.helpful} helpful vote{'s' * (self.helpful > 1)}")
        if self.interest:
            said.append(f"into {label}")
        return said


# The ties between some reviewers and the viewer's friends: the same query for every network,
# compiled once (`Prepared`).
_PATHS = Prepared(
    lambda authors, friends: Friendship.objects.filter(
        user_id__any=authors, friend_id__any=friends
    ).values_list("user_id", "friend_id", "tie_strength"),
    freezes=(),
    authors="bigint[]",
    friends="bigint[]",
)


def _best_paths(network: GatedNetwork, authors: set[int]) -> dict[int, float]:
    """For reviewers who are friends of friends: the strongest two-hop path to the viewer. A path
    is as strong as its weaker tie (a product of two ties would let a distant reviewer outrank
    every friend, against `FOF_DISCOUNT`'s "half a direct tie"). One query, even for none."""
    best: dict[int, float] = {}
    links = _PATHS.rows(authors=IdArray(authors), friends=network.friend_ids)
    for author, friend, tie in links:
        path = min(float(tie), float(network.ties[friend]))
        best[author] = max(best.get(author, 0.0), path)
    return best


# The votes on some reviews, and some people's declared interests: the same two queries for
# every search, compiled once (`Prepared`).
_HELPFUL_VOTES = Prepared(
    lambda reviews: HelpfulVote.objects.filter(review_id__any=reviews).values_list("review_id"),
    freezes=(),
    reviews="bigint[]",
)
_INTERESTS = Prepared(
    lambda people: Profile.interests.through.objects.filter(
        profile__user_id__any=people
    ).values_list("profile__user_id", "interest__name"),
    freezes=(),
    people="bigint[]",
)


def _expertise(
    author_ids: set[int], match: TopicMatch, topic: TopicRows
) -> tuple[dict[int, Expertise], Counter[int]]:
    """Per author, their `Expertise` in the topic; and the helpful votes of each of those
    reviews. Purchases and reviews come from `TopicRows` (the authors are of the consenting
    network, and only reviews the viewer may see count); then one query for the votes on those
    reviews and one for the authors' interests."""
    facts = {pk: Expertise() for pk in author_ids}
    helpful: Counter[int] = Counter()
    if not author_ids:
        return facts, helpful
    for purchase in topic.purchases:
        if purchase.verified and purchase.buyer in facts:
            facts[purchase.buyer].verified += 1
    in_topic: dict[int, int] = {}
    for review in topic.reviews:
        if review.author in facts:
            in_topic[review.pk] = review.author
            facts[review.author].reviews += 1
    for (review_id,) in _HELPFUL_VOTES.rows(reviews=IdArray(in_topic)):
        facts[in_topic[review_id]].helpful += 1
        helpful[review_id] += 1
    if match.topic_keywords:
        for user_id, name in _INTERESTS.rows(people=IdArray(author_ids)):
            if topics_in(name, match.topic_keywords):
                facts[user_id].interest = True
    return facts, helpful


@dataclass
class Trusted:
    """The trusted reviews chosen (`trusted_reviews`), most trusted first, before they are read
    whole, and the helpful votes of each."""

    chosen: list[RankedReview]
    helpful: Counter[int]

    @property
    def ids(self) -> list[int]:
        return [item.pk for item in self.chosen]


def trusted_reviews(network: GatedNetwork, match: TopicMatch, topic: TopicRows) -> Trusted:
    """Reviews by friends and friends of friends, most trusted first: tie strength (a friend of
    a friend's best path, discounted) × (1 + expertise in the topic) × recency. The newest are
    ranked on their ids, authors and dates; the search reads the ones shown."""
    if not match.reviewed_product_ids:
        return Trusted(chosen=[], helpful=Counter())
    candidates = topic.reviews[:REVIEW_CANDIDATES]
    authors = {review.author for review in candidates}
    paths = _best_paths(network, {pk for pk in authors if pk not in network.ties})
    facts, helpful = _expertise(authors, match, topic)
    now = timezone.now()
    ranked: list[RankedReview] = []
    for review in candidates:
        fact = facts[review.author]
        if review.author in network.ties:
            relation, strength = "friend", float(network.ties[review.author])
        else:
            relation, strength = "fof", FOF_DISCOUNT * paths.get(review.author, 0.0)
        expertise = fact.weight
        age_days = max((now - review.created_at).total_seconds() / 86400, 0)
        recency = 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
        reasons = ["your friend" if relation == "friend" else "a friend of a friend"]
        reasons += fact.reasons(match.label)
        score = max(strength, 0.05) * (1 + expertise) * recency
        ranked.append(
            RankedReview(
                pk=review.pk,
                author=review.author,
                relation=relation,
                strength=strength,
                expertise=expertise,
                recency=recency,
                score=score,
                reasons=reasons,
            )
        )
    ranked.sort(key=lambda item: (-item.score, -item.pk))
    # A few voices, not one voice many times: at most REVIEWS_PER_AUTHOR from one person.
    per_author: Counter[int] = Counter()
    kept: list[RankedReview] = []
    for item in ranked:
        if per_author[item.author] < REVIEWS_PER_AUTHOR:
            per_author[item.author] += 1
            kept.append(item)
    return Trusted(chosen=kept[:REVIEWS_LIMIT], helpful=helpful)


def ranked_reviews(trusted: Trusted, by_pk: dict[int, Review], uses: Uses) -> list[RankedReview]:
    """The trusted reviews, each with its review read (`by_pk`) and its helpful votes (the votes
    of the topic's reviews counted for the expertise include theirs); their authors' use noted."""
    for item in trusted.chosen:
        item.review = by_pk[item.pk]
        # A figure for the page, set on the row as `annotate` would; the model has no such field.
        item.review.helpful_count = trusted.helpful.get(item.pk, 0)  # type: ignore[attr-defined]
        note_shown(uses, item.review)
    return trusted.chosen
