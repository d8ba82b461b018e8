"""The gated network: the viewer's `social.audience.Network` with the consent gate applied once
per person, kept between searches under the versions of what it is made of; and the rows of a
topic read through it (`topic_rows`), shared by the funnel, the step reviews and the ranking."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Model, QuerySet

from accounts.models import User
from marketplace.models import Purchase, Review
from privacy.consent import allowed_among, consent_version
from privacy.purposes import Purpose
from querycache.lookups import IdArray, Slot
from querycache.prepared import Prepared
from querycache.versions import LocalMemo, cached
from recommendations.social_search.matching import TopicMatch
from social.audience import Network, deactivated, network_version
from social.audience import network_of as social_network_of


@dataclass(frozen=True)
class Gate:
    """Who in a network allows `social_proof` for its viewer: their ids, and the network narrowed
    to them (the same audience rules for rows whose owners all consent, since a consenting
    owner is a friend in one exactly when in the other, with shorter id lists for PostgreSQL to
    plan with). Made with every id list rendered, so a cached gate is used as it is read."""

    ids: IdArray
    graph: Network

    @classmethod
    def of(cls, graph: Network, consenting: set[int]) -> Gate:
        narrowed = Network(
            viewer_id=graph.viewer_id,
            ties={pk: tie for pk, tie in graph.ties.items() if pk in consenting},
            fof=graph.fof & consenting,
        )
        return cls(ids=IdArray(consenting), graph=narrowed.rendered())


type Queries = dict[tuple[str, ...], Prepared[Any]]
"""A network's compiled queries by key, each with rows of its own shape."""


@dataclass
class GatedNetwork:
    """The viewer's `Network` (friends with their ties, friends of friends; two queries) and
    those in it who let the viewer learn from their purchases and reviews (`social_proof`, the
    consent gate applied once per person, one query). Every purchase and review read here comes
    from `consenting` people; every post through `visible_to`."""

    viewer: User
    graph: Network
    consenting: Gate | None = None  # None: not gated (`network_of(viewer, gated=False)`)
    reviews: QuerySet[Review] | None = None  # `gated_reviews`, once built
    # This network's queries (`topic_rows`, the funnel's posts, the ranking's paths), compiled
    # once and kept with the network by every search of the same versions (`network_of`).
    prepared: Queries = field(default_factory=dict)

    def prepare[R: tuple[Any, ...]](
        self, key: tuple[str, ...], build: Callable[..., QuerySet[Model, R]], **casts: str
    ) -> Prepared[R]:
        """The network's query `key`, made with `build` the first time it is asked for. `build`
        may freeze the viewer's id and this network's id lists into the query: the query is
        kept with the network, under the versions they were read under (`network_of`); any
        other value must be one of its `casts` (a parameter of every run)."""
        found = self.prepared.get(key)
        if found is None:
            found = self.prepared[key] = Prepared(build, freezes=("viewer", "network"), **casts)
        return found

    @property
    def ties(self) -> dict[int, float]:
        return self.graph.ties

    @property
    def friend_ids(self) -> IdArray:
        return self.graph.friend_ids

    @property
    def fof(self) -> frozenset[int]:
        return self.graph.fof

    @property
    def everyone(self) -> IdArray:
        return self.graph.everyone

    @property
    def consenting_ids(self) -> IdArray:
        return self._gate.ids

    @property
    def consenting_graph(self) -> Network:
        return self._gate.graph

    @property
    def _gate(self) -> Gate:
        if self.consenting is None:
            raise ValueError("This network was read without the consent gate.")
        return self.consenting


NETWORK_CACHE_SECONDS = 600
NETWORK_MEMO_SIZE = 32  # gated networks kept in each process, the most recently searched
kept_networks: LocalMemo[tuple[Network, Gate, Queries]] = LocalMemo(
    NETWORK_MEMO_SIZE, ttl_seconds=NETWORK_CACHE_SECONDS
)


def gated_network_key(viewer: User) -> str:
    """Where the viewer's gated network is cached: under the versions of what it is made of."""
    versions = f"{network_version(viewer.pk)}:{consent_version(Purpose.SOCIAL_PROOF)}"
    return f"social-search:gated-network:{viewer.pk}:{versions}"


def network_of(viewer: User, *, gated: bool = True) -> GatedNetwork:
    """The viewer's network; with `gated`, who in it allows `social_proof` for the viewer.

    The gated network is cached between searches (`NETWORK_CACHE_SECONDS` at most), under the
    versions of what it is made of: the viewer's network (`social.audience.network_version`:
    friendships, the friends' friendships, ties, blocks, circles, people in it suspended or
    restored) and everyone's `social_proof` consent (`consent_version`), both moved by the model
    signals of those rows, so an unfriending, a block, a circle edit, a suspension, a restored
    account or a withdrawal shows in the very next search, whoever wrote it. An account
    deactivated without a signal (a queryset update) is still left out by every query that
    reads rows (`gated_purchases`, the audience policy). It is kept with its id lists rendered
    (`IdArray`): a warm search makes none of them again.

    The versions are read from the shared cache at every search; under them, the process keeps
    the last networks it used (`LocalMemo`, for as long as the shared cache would) with the
    topic queries compiled for them (`GatedNetwork.prepared`), so a warm search neither
    unpickles the network nor compiles them."""
    if not gated:
        return GatedNetwork(viewer=viewer, graph=social_network_of(viewer))

    def read() -> tuple[Network, Gate]:
        graph = social_network_of(viewer).rendered()
        consenting = allowed_among(Purpose.SOCIAL_PROOF, viewer, graph.everyone, network=graph)
        return graph, Gate.of(graph, consenting)

    key = gated_network_key(viewer)

    def kept() -> tuple[Network, Gate, Queries]:
        graph, gate = cached(key, read, NETWORK_CACHE_SECONDS)
        return graph, gate, {}

    graph, gate, prepared = kept_networks.get_or_set(key, kept)
    return GatedNetwork(viewer=viewer, graph=graph, consenting=gate, prepared=prepared)


def gated_purchases(viewer: User, network: GatedNetwork) -> QuerySet[Purchase]:
    """Purchases by people in the viewer's network who let the viewer learn from them, as long
    as their account is active."""
    return _purchases_by(network.consenting_ids)


def _purchases_by(buyers: IdArray | Slot) -> QuerySet[Purchase]:
    """Purchases by `buyers` (ids, or a `Slot` for them) whose account is active."""
    return Purchase.objects.filter(buyer_id__any=buyers).exclude(buyer_id__in=deactivated())


# The topic's purchases by a network's consenting people, by which lists the topic has: the same
# queries for every network, each compiled once per process (`Prepared`, nothing frozen).
_topic_purchases: dict[tuple[str, ...], Prepared[tuple[Any, ...]]] = {}


def _topic_purchases_query(lists: tuple[str, ...]) -> Prepared[tuple[Any, ...]]:
    found = _topic_purchases.get(lists)
    if found is None:
        found = _topic_purchases[lists] = Prepared(
            lambda buyers, **slots: (
                _purchases_by(buyers)
                .filter(TopicMatch.things_in(**slots))
                .order_by()
                .values_list("buyer_id", "category_id", "brand_id", "verified", "product_model_id")
            ),
            freezes=(),
            buyers="bigint[]",
            **dict.fromkeys(lists, "bigint[]"),
        )
    return found


def gated_reviews(viewer: User, network: GatedNetwork) -> QuerySet[Review]:
    """Reviews `viewer` may see (audience policy) by people in their network who let them be
    used as social proof for `viewer` (consent gate). Built once per network (the policy's
    filter is costly to build); each caller narrows a copy."""
    if network.viewer.pk != viewer.pk:
        raise ValueError("The network passed is another viewer's.")
    if network.reviews is None:
        network.reviews = Review.objects.visible_to(
            viewer, network=network.consenting_graph
        ).filter(author_id__any=network.consenting_ids)
    return network.reviews


class TopicPurchase(NamedTuple):
    """A purchase of the query's topic by someone of the consenting network."""

    buyer: int
    category: int
    brand: int | None
    verified: bool
    product: int | None  # the catalog's product model, when the purchase names one


class TopicReview(NamedTuple):
    """A review of the query's topic that the viewer may see, by someone of the consenting
    network."""

    pk: int
    author: int
    product: int
    created_at: datetime.datetime


@dataclass
class TopicRows:
    """What the consenting network did about the query's topic, read once and shared by the
    funnel, the reviews under its steps, the ranking and the reviewers' expertise: their
    purchases and the reviews of it the viewer may see, newest first. Two queries."""

    purchases: list[TopicPurchase]
    reviews: list[TopicReview]


def topic_rows(viewer: User, network: GatedNetwork, match: TopicMatch) -> TopicRows:
    lists = match.lists
    purchases = _topic_purchases_query(tuple(sorted(lists))).rows(
        buyers=network.consenting_ids, **lists
    )
    reviews: list[TopicReview] = []
    if match.reviewed_product_ids:
        # Found through their authors' index, which carries the product model: a topic's models
        # can have many more reviews than a whole network has written.
        rows = network.prepare(
            ("reviews",),
            lambda products: (
                gated_reviews(viewer, network)
                .filter(product_model_id__any_unindexed=products)
                .order_by("-created_at", "-id")
                .values_list("pk", "author_id", "product_model_id", "created_at")
            ),
            products="bigint[]",
        ).rows(products=IdArray(match.reviewed_product_ids))
        reviews = list(map(TopicReview._make, rows))
    return TopicRows(purchases=list(map(TopicPurchase._make, purchases)), reviews=reviews)
