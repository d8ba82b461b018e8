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
5. A bounded number of queries whatever the size of the network (21 for "bike" in a first
   search, 12 once the network and the match are kept): the network is read once (`Network`),
   then one query per kind of fact (posts, purchases, reviews) returns the rows of friends and
   friends of friends together; friends are named from them, friends of friends only counted.

Reading never writes: the callers (page, API, "friends who bought this") pass the result's
`usage` to `record_usage`, one usage-log entry per person whose data was counted or shown.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Profile, User
from marketplace.models import Brand, Category, HelpfulVote, ProductModel, Purchase, Review
from marketplace.selectors.search import SearchPage, search_listings
from privacy import usage
from privacy.consent import allowed_among, consent_version
from privacy.purposes import Purpose
from privacy.releases import EXHAUSTED_SENTENCE, Draw, about, release
from querycache.lookups import IdArray
from querycache.prepared import Prepared
from querycache.versions import LocalMemo, move_versions, version
from social.audience import Network as SocialNetwork
from social.audience import deactivated
from social.audience import network_of as social_network_of
from social.audience import network_version as social_network_version
from social.models import Friendship, PostTag, Topic
from social.topics import topics_in

QUERY_MAX_LENGTH = 120
WHO_LIMIT = 24  # names listed under one step of the funnel
REVIEWS_LIMIT = 10
REVIEW_CANDIDATES = 200  # newest gated reviews considered for the trust ranking
REVIEWS_PER_AUTHOR = 2  # one person's reviews among the trusted ones, at most
LISTINGS_LIMIT = 8
FOF_DISCOUNT = 0.5  # a friend of a friend's path strength counts half a direct tie
RECENCY_HALF_LIFE_DAYS = 365


# --- What the query is about -----------------------------------------------------------------


@dataclass
class TopicMatch:
    """The topics, categories (with descendants), products and brands a query names."""

    q: str
    label: str = ""
    tags: set[str] = field(default_factory=set)  # topic slugs and hashtags in posts
    topic_slugs: set[str] = field(default_factory=set)
    category: Category | None = None  # the broadest matched category (Bikes)
    category_ids: set[int] = field(default_factory=set)
    kinds: dict[int, Category] = field(default_factory=dict)  # descendant id -> its child kind
    product_ids: set[int] = field(default_factory=set)
    brand_ids: set[int] = field(default_factory=set)
    # Every product model of the above (the reviewed things): id -> (category id, brand id).
    products: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    brand_names: dict[int, str] = field(default_factory=dict)  # the brands of those products
    topic_keywords: list[tuple[str, list[str]]] = field(default_factory=list)  # matched topics

    @property
    def reviewed_product_ids(self):
        return self.products.keys()

    @property
    def empty(self) -> bool:
        return not (self.tags or self.category_ids or self.product_ids or self.brand_ids)

    @property
    def lists(self) -> dict[str, set[int]]:
        """What a purchase can be of to be about the query, by kind of list: its categories,
        product models and brands (those the query names; the others are left out)."""
        found = {
            "categories": self.category_ids,
            "products": self.product_ids,
            "brands": self.brand_ids,
        }
        return {name: ids for name, ids in found.items() if ids}

    @staticmethod
    def things_in(**lists) -> Q:
        """Purchases of the things in the given `lists` (ids or `Slot`s), by their names in
        `lists`: the categories, product models or brands they are of."""
        fields = {"categories": "category_id", "products": "product_model_id", "brands": "brand_id"}
        q = Q(pk__in=[])
        for name, ids in lists.items():
            q |= Q(**{f"{fields[name]}__any": ids})
        return q


def clean_query(q) -> str:
    return " ".join(str(q or "").split())[:QUERY_MAX_LENGTH]


CATALOG_VERSION_KEY = "social-search:catalog-version"
MATCH_CACHE_SECONDS = 600


def catalog_changed(**_signal) -> None:
    """A topic, category, brand or product model was saved or deleted: queries are matched
    afresh (connected in `apps.py`)."""
    move_versions([CATALOG_VERSION_KEY])


def match_query(q: str) -> TopicMatch:
    """Map a query to topics (their keywords or name), categories linked to those topics or
    named like the query (with every descendant), and product models or brands named by it.
    Five queries, the first time a query is asked since the catalog last changed; the match is
    then kept (it holds nobody's data, only the catalog's)."""
    q = clean_query(q)
    if not q:
        return TopicMatch(q=q)
    digest = hashlib.sha256(q.encode()).hexdigest()
    key = f"social-search:match:{version(CATALOG_VERSION_KEY)}:{digest}"
    return cache.get_or_set(key, lambda: _match(q), MATCH_CACHE_SECONDS)


def _match(q: str) -> TopicMatch:
    match = TopicMatch(q=q)
    lowered, slug = q.lower(), slugify(q)
    topics = list(Topic.objects.values_list("slug", "name", "keywords"))
    match.topic_slugs = topics_in(q, [(s, keywords) for s, _, keywords in topics]) | {
        s for s, name, _ in topics if name.lower() == lowered or s == slug
    }
    match.topic_keywords = [(s, keywords) for s, _, keywords in topics if s in match.topic_slugs]
    match.tags = set(match.topic_slugs) | ({slug} if slug else set())

    tree = {
        pk: (parent, name, cslug, topic)
        for pk, parent, name, cslug, topic in Category.objects.values_list(
            "pk", "parent_id", "name", "slug", "topic__slug"
        )
    }
    named = {
        pk
        for pk, (_, name, cslug, topic) in tree.items()
        if topic in match.topic_slugs or name.lower() == lowered or cslug == slug
    }
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, (parent, *_rest) in tree.items():
        children[parent].append(pk)

    def other_topic(parent: int, child: int) -> bool:
        """A branch about another topic under a matched one ("Bike parts & accessories" under
        "Bikes"): a helmet is not "a bike" when someone searches for bikes."""
        topic, parent_topic = tree[child][3], tree[parent][3]
        return (
            parent_topic in match.topic_slugs
            and topic is not None
            and topic != parent_topic
            and topic not in match.topic_slugs
        )

    def below(pk: int) -> list[int]:
        found, todo = [], [pk]
        while todo:
            current = todo.pop()
            found.append(current)
            todo.extend(c for c in children.get(current, []) if not other_topic(current, c))
        return found

    roots = sorted(pk for pk in named if tree[pk][0] not in named)
    if roots:
        root = roots[0]
        match.category = Category.objects.get(pk=root)
        for child in children.get(root, []):
            if other_topic(root, child):
                continue
            kind = Category(pk=child, name=tree[child][1], slug=tree[child][2], parent_id=root)
            for pk in below(child):
                match.kinds[pk] = kind
    for pk in named:
        match.category_ids.update(below(pk))

    products = ProductModel.objects.filter(
        Q(name__iexact=q) | Q(slug=slug) | Q(brand__name__iexact=q)
    ).values_list("pk", "brand_id", "brand__name")
    for pk, brand_id, brand_name in products:
        if brand_name.lower() == lowered:
            match.brand_ids.add(brand_id)
        else:
            match.product_ids.add(pk)
    if not match.brand_ids:
        match.brand_ids = set(Brand.objects.filter(name__iexact=q).values_list("pk", flat=True))
    models = Q(pk__in=match.product_ids)
    if match.category_ids:
        models |= Q(category_id__in=match.category_ids)
    if match.brand_ids:
        models |= Q(brand_id__in=match.brand_ids)
    rows = ProductModel.objects.filter(models).values_list(
        "pk", "category_id", "brand_id", "brand__name"
    )
    for pk, category_id, brand_id, brand_name in rows:
        match.products[pk] = (category_id, brand_id)
        if brand_id is not None:
            match.brand_names[brand_id] = brand_name
    match.label = (
        match.category.name.lower() if match.category and match.category.name else q.lower()
    )
    return match


# --- The network -----------------------------------------------------------------------------


@dataclass
class Network:
    """The viewer's friends and friends of friends (`social.audience.Network`, two queries) and
    those of them who let the viewer learn from their purchases and reviews (`social_proof`,
    the consent gate applied once per person, one query). Every purchase and review read here
    comes from `consenting` people; every post through `visible_to`."""

    viewer: User
    graph: SocialNetwork
    consenting: Gate | None = None  # None: not gated (`network_of(viewer, gated=False)`)
    reviews: QuerySet | None = None  # `gated_reviews`, once built
    # This network's queries (`topic_rows`, `_talked`, `_best_paths`), compiled once and kept
    # with the network by every search of the same versions (`network_of`).
    prepared: dict[tuple, Prepared] = field(default_factory=dict)

    def prepare(self, key: tuple, build, **casts: str) -> Prepared:
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
    def consenting_graph(self) -> SocialNetwork:
        return self._gate.graph

    @property
    def _gate(self) -> Gate:
        if self.consenting is None:
            raise ValueError("This network was read without the consent gate.")
        return self.consenting


@dataclass(frozen=True)
class Gate:
    """Who in a network allows `social_proof` for its viewer: their ids, and the graph narrowed
    to them (the same audience rules for rows whose owners all consent, since a consenting
    owner is a friend in one exactly when in the other, with shorter id lists for PostgreSQL to
    plan with). Made with every id list rendered, so a cached gate is used as it is read."""

    ids: IdArray
    graph: SocialNetwork

    @classmethod
    def of(cls, graph: SocialNetwork, consenting: set[int]) -> Gate:
        narrowed = SocialNetwork(
            viewer_id=graph.viewer_id,
            ties={pk: tie for pk, tie in graph.ties.items() if pk in consenting},
            fof=graph.fof & consenting,
        )
        return cls(ids=IdArray(consenting), graph=narrowed.rendered())


NETWORK_CACHE_SECONDS = 600
NETWORK_MEMO_SIZE = 32  # gated networks kept in each process, the most recently searched
_networks = LocalMemo(NETWORK_MEMO_SIZE, ttl_seconds=NETWORK_CACHE_SECONDS)


def network_of(viewer, *, gated: bool = True) -> Network:
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
    topic queries compiled for them (`Network.prepared`), so a warm search neither unpickles the
    network nor compiles them."""
    if not gated:
        return Network(viewer=viewer, graph=social_network_of(viewer))

    def read() -> tuple[SocialNetwork, Gate]:
        graph = social_network_of(viewer).rendered()
        consenting = allowed_among(Purpose.SOCIAL_PROOF, viewer, graph.everyone, network=graph)
        return graph, Gate.of(graph, consenting)

    versions = f"{social_network_version(viewer.pk)}:{consent_version(Purpose.SOCIAL_PROOF)}"
    key = f"social-search:gated-network:{viewer.pk}:{versions}"

    def kept() -> tuple[SocialNetwork, Gate, dict]:
        graph, gate = cache.get_or_set(key, read, NETWORK_CACHE_SECONDS)
        return graph, gate, {}

    graph, gate, prepared = _networks.get_or_set(key, kept)
    return Network(viewer=viewer, graph=graph, consenting=gate, prepared=prepared)


def gated_purchases(viewer, network: Network) -> QuerySet:
    """Purchases by people in the viewer's network who let the viewer learn from them, as long
    as their account is active."""
    return Purchase.objects.filter(buyer_id__any=network.consenting_ids).exclude(
        buyer_id__in=deactivated()
    )


def gated_reviews(viewer, network: Network) -> QuerySet:
    """Reviews `viewer` may see (audience policy) by people in their network who let them be
    used as social proof for `viewer` (consent gate). Built once per network (the policy's
    filter takes a few milliseconds to build); each caller narrows a copy."""
    if network.viewer.pk != viewer.pk:
        raise ValueError("The network passed is another viewer's.")
    if network.reviews is None:
        network.reviews = Review.objects.visible_to(
            viewer, network=network.consenting_graph
        ).filter(author_id__any=network.consenting_ids)
    return network.reviews


@dataclass
class TopicRows:
    """What the consenting network did about the query's topic, read once and shared by the
    funnel, the reviews under its steps, the ranking and the reviewers' expertise: their
    purchases (buyer, category, brand, verified) and the reviews of it the viewer may see (id,
    author, product model, date), newest first. Two queries."""

    purchases: list[tuple[int, int, int | None, bool]]
    reviews: list[tuple[int, int, int, object]]


def topic_rows(viewer, network: Network, match: TopicMatch) -> TopicRows:
    lists = match.lists
    purchases = network.prepare(
        ("purchases", *sorted(lists)),
        lambda **slots: (
            gated_purchases(viewer, network)
            .filter(TopicMatch.things_in(**slots))
            .order_by()
            .values_list("buyer_id", "category_id", "brand_id", "verified")
        ),
        **dict.fromkeys(lists, "bigint[]"),
    ).rows(**lists)
    reviews = []
    if match.reviewed_product_ids:
        # Found through their authors' index, which carries the product model: a topic's models
        # can be a fifth of all reviews, a network's reviews are a few thousand.
        reviews = network.prepare(
            ("reviews",),
            lambda products: (
                gated_reviews(viewer, network)
                .filter(product_model_id__any_unindexed=products)
                .order_by("-created_at", "-id")
                .values_list("pk", "author_id", "product_model_id", "created_at")
            ),
            products="bigint[]",
        ).rows(products=IdArray(match.reviewed_product_ids))
    return TopicRows(purchases=purchases, reviews=reviews)


# --- Usage log -------------------------------------------------------------------------------


@dataclass(slots=True)
class Usage:
    """That one search counted or showed one person's data: one use, whatever it showed of
    them (a purchase counted, several reviews shown): one usage-log entry."""

    reviewed: str = ""  # a product whose review was shown, for the label

    @property
    def label(self) -> str:
        if self.reviewed:
            return f"Your review of {self.reviewed} was shown in friends' searches"
        return "Your purchases were counted in friends' searches"


def _use(usage_map: dict[int, Usage], owner_id: int, reviewed: str = "") -> None:
    entry = usage_map.get(owner_id)
    if entry is None:
        entry = usage_map[owner_id] = Usage()
    if reviewed and not entry.reviewed:
        entry.reviewed = reviewed


def _show(usage_map: dict[int, Usage], review: Review) -> None:
    """A review on the page: its author's one use of this search says which review."""
    _use(usage_map, review.author_id, reviewed=str(review.product_model))


def record_usage(usage_map: dict[int, Usage]) -> None:
    """One usage-log entry per person whose data a search counted or showed: one use each."""
    for owner_id, entry in usage_map.items():
        usage.record(User(pk=owner_id), Purpose.SOCIAL_PROOF, entry.label)


# --- The funnel ------------------------------------------------------------------------------


@dataclass
class Named:
    """A friend named under a step of the funnel, with their reviews of what the step counts."""

    person: User
    reviews: list[Review]


@dataclass
class Step:
    key: str  # talked, bought, kind, brand
    label: str  # "talked about bikes"
    friends: int
    fof: int | None  # the noisy count of friends of friends; None: nothing said of them
    who: list[User] = field(default_factory=list)  # friends, by name
    width: int = 0  # percent of the widest step, for the picture
    # What the step counts, for its friends' reviews: these categories (None: the whole query)
    # and this brand (None: any).
    category_ids: set[int] | None = None
    brand_id: int | None = None
    reviews: dict[int, list[Review]] = field(default_factory=dict)  # friend id -> reviews

    @property
    def named(self) -> list[Named]:
        """The friends of this step, closest first, each with their reviews of its things."""
        return [Named(person, self.reviews.get(person.pk, [])) for person in self.who]

    @property
    def offset(self) -> float:
        """Where its bar starts, so the bars narrow towards the middle."""
        return (100 - self.width) / 2

    @property
    def fof_words(self) -> str:
        """The friends of friends in words ("about 10", "fewer than 5"), or "" for nothing."""
        return about(self.fof)

    @property
    def total_shown(self) -> int:
        return self.friends + (self.fof or 0)


@dataclass
class Funnel:
    label: str
    steps: list[Step]
    # Why nothing is said beyond friends though some could be counted: the day's budget.
    beyond_note: str = ""

    @property
    def height(self) -> int:
        return 10 * len(self.steps)

    @property
    def sentence(self) -> str:
        """ "Of your friends, 12 talked about bikes, 5 bought one, 3 bought mountain bikes, 2 the
        same brand (Trek)"."""
        if not self.steps:
            return ""
        parts = [f"{step.friends} {step.label}" for step in self.steps]
        return "Of your friends, " + ", ".join(parts)


def _talked(viewer, network: Network, match: TopicMatch) -> tuple[list[int], set[int]]:
    """Friends (ids) and friends of friends (ids, to be counted with noise, never named) who
    wrote a post about the topic that the viewer may see. A post's tags carry its author,
    audience and moderation flag (kept equal to the post's by the database), so the audience
    policy is applied to the tags alone: the topic's tags are read once, from their index, and
    the network's kept. The network's ids are checked on each tag found (`__any_unindexed`): a
    topic's tags are a few tens of thousands of index entries, the network thousands of people."""
    if not match.tags:
        return [], set()
    rows = network.prepare(
        ("talked",),
        lambda tags: (
            PostTag.objects.visible_to(viewer, network=network.graph)
            .filter(tag__any=tags, author_id__any_unindexed=network.everyone)
            .order_by()
            .values_list("author_id")
            .distinct()
        ),
        tags="text[]",
    ).rows(tags=match.tags)
    authors = {author for (author,) in rows}
    friends = [pk for pk in network.friend_ids.ids if pk in authors]
    return friends, authors & network.fof


def _most_common(counter: Counter) -> object | None:
    if not counter:
        return None
    return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[0][0]


def _closest(network: Network, ids) -> list[int]:
    """Those of `ids` who can be among the first `WHO_LIMIT` named (closest first, then by
    name): everyone at least as close as the `WHO_LIMIT`-th, so only they are read."""
    ranked = sorted(ids, key=lambda pk: -network.ties.get(pk, 0))
    if len(ranked) <= WHO_LIMIT:
        return ranked
    cut = network.ties.get(ranked[WHO_LIMIT - 1], 0)
    return [pk for pk in ranked if network.ties.get(pk, 0) >= cut]


Row = tuple[int, int, int | None]  # a purchase of the topic: buyer, category, brand


def _kind_buyers(match: TopicMatch, rows: list[Row]) -> dict[int, set[int]]:
    """Per kind (a child of the matched category): who bought one."""
    buyers: dict[int, set[int]] = defaultdict(set)
    for buyer, category_id, _ in rows:
        kind = match.kinds.get(category_id)
        if kind is not None:
            buyers[kind.pk].add(buyer)
    return buyers


def _brand_buyers(rows: list[Row], kind_ids: set[int]) -> dict[int, set[int]]:
    """Per brand: who bought one of that brand in the kind (`kind_ids`: its categories)."""
    buyers: dict[int, set[int]] = defaultdict(set)
    for buyer, category_id, brand in rows:
        if brand and category_id in kind_ids:
            buyers[brand].add(buyer)
    return buyers


def _most_buyers(buyers: dict[int, set[int]]) -> int | None:
    return _most_common(Counter({key: len(ids) for key, ids in buyers.items()}))


def _one_key_each(buyers: dict[int, set[int]]) -> dict[str, int]:
    """Per key, how many people are counted under it when each person is counted under one of
    their keys only (the smallest id: a rule of their own rows alone, so one person, added or
    taken away, moves one count by one, which is what noisy partition selection is calibrated
    for)."""
    chosen: dict[int, int] = {}
    for key, people in buyers.items():
        for person in people:
            if person not in chosen or key < chosen[person]:
                chosen[person] = key
    return {str(key): n for key, n in Counter(chosen.values()).items()}


def _kind_ids(match: TopicMatch, kind_pk: int | None) -> set[int]:
    return {pk for pk, kind in match.kinds.items() if kind.pk == kind_pk}


@dataclass(frozen=True)
class Beyond:
    """What the funnel may say of friends of friends, noisy (`privacy.releases`): the kind and
    brand taken from their purchases when friends name none (each passed a noisy threshold),
    and each step's count; None where nothing is said."""

    kind: int | None = None
    brand: int | None = None
    talked: int | None = None
    bought: int | None = None
    of_kind: int | None = None
    of_brand: int | None = None
    exhausted: bool = False
    drawn: bool = False  # drawn for this search (not today's answer repeated)


SELECTION_SHARE = 0.25  # of a funnel release's ε, for each of the kind and the brand, if needed


def beyond_friends(
    viewer,
    network: Network,
    match: TopicMatch,
    *,
    talked: set[int],
    rows: list[Row],
    friend_kind: int | None,
    friend_brand: int | None,
) -> Beyond:
    """The funnel's friends of friends, as one noisy release (one question a day: the query's
    match, and the kind and brand the friends named). `talked`: the friends of friends whose
    posts about it the viewer may see; `rows`: the consenting friends of friends' purchases of
    it. Nothing is said of people who could not be counted at all (no friend of a friend, or
    none who consented): no release, no budget.

    The buyers are counted in disjoint cells (bought another kind, bought the kind but not the
    brand, bought the brand), so one person moves one cell by one; with the talked count, one
    person moves the noisy vector by at most two. The steps are sums of cells: "bought one" is
    never below "bought the kind", nor that below "the same brand"."""
    counts_talked = bool(network.fof)
    counts_buyers = bool(network.consenting_graph.fof)
    if not (counts_talked or counts_buyers):
        return Beyond()
    question = (
        "funnel",
        sorted(match.category_ids),
        sorted(match.product_ids),
        sorted(match.brand_ids),
        sorted(match.tags),
        friend_kind,
        friend_brand,
    )

    def draw(noise: Draw) -> dict:
        kind, brand = friend_kind, friend_brand
        selections = 0.0
        if counts_buyers and kind is None and match.kinds:
            share = SELECTION_SHARE * noise.epsilon
            selections += share
            picked = noise.select(
                _one_key_each(_kind_buyers(match, rows)), contributions=1, epsilon=share
            )
            kind = int(max(picked, key=lambda k: (picked[k], -int(k)))) if picked else None
        if counts_buyers and kind is not None and brand is None:
            share = SELECTION_SHARE * noise.epsilon
            selections += share
            by_brand = _brand_buyers(rows, _kind_ids(match, kind))
            picked = noise.select(_one_key_each(by_brand), contributions=1, epsilon=share)
            brand = int(max(picked, key=lambda k: (picked[k], -int(k)))) if picked else None
        kind_ids = _kind_ids(match, kind)
        cell: dict[int, int] = {}  # buyer -> 0 another kind, 1 the kind, 2 the kind and brand
        for buyer, category, of_brand in rows:
            here = 0
            if category in kind_ids:
                here = 2 if brand is not None and of_brand == brand else 1
            cell[buyer] = max(cell.get(buyer, 0), here)
        cells = [0, 0, 0]
        for here in cell.values():
            cells[here] += 1
        true = ([len(talked)] if counts_talked else []) + (cells if counts_buyers else [])
        sensitivity = int(counts_talked) + int(counts_buyers)
        noisy = noise.counts(true, sensitivity=sensitivity, epsilon=noise.epsilon - selections)
        answer = {"kind": kind, "brand": brand}
        if counts_talked:
            answer["talked"] = noisy.pop(0)
        if counts_buyers:
            other, of_kind, of_brand = noisy
            answer.update(
                bought=other + of_kind + of_brand,
                of_kind=of_kind + of_brand if kind is not None else None,
                of_brand=of_brand if brand is not None else None,
            )
        return answer

    released = release(viewer, question, draw)
    if released.value is None:
        return Beyond(kind=friend_kind, brand=friend_brand, exhausted=released.exhausted)
    return Beyond(**released.value, drawn=not released.repeated)


def build_funnel(
    viewer, network: Network, match: TopicMatch, topic: TopicRows, usage_map: dict[int, Usage]
):
    """The funnel and the people named in it, from the consenting network's purchases of the
    topic (`TopicRows`): friends are named from those rows and counted exactly; friends of
    friends only counted, with noise (`beyond_friends`)."""
    talked_ids, talked_fof = _talked(viewer, network, match)
    ties, fof_ids = network.ties, network.fof
    friend_rows: list[Row] = []
    fof_rows: list[Row] = []
    for buyer, category, brand, _ in topic.purchases:
        if buyer in ties:
            friend_rows.append((buyer, category, brand))
        elif buyer in fof_ids:
            fof_rows.append((buyer, category, brand))

    bought = {buyer for buyer, _, _ in friend_rows}
    kind_buyers = _kind_buyers(match, friend_rows)
    friend_kind = _most_buyers(kind_buyers)
    brand_people = _brand_buyers(friend_rows, _kind_ids(match, friend_kind))
    friend_brand = _most_buyers(brand_people) if friend_kind is not None else None
    beyond = beyond_friends(
        viewer,
        network,
        match,
        talked=talked_fof,
        rows=fof_rows,
        friend_kind=friend_kind,
        friend_brand=friend_brand,
    )
    # The friends' most common kind decides; without one, the one the friends of friends' noisy
    # counts selected, if any did. The same for the brand within the kind.
    kind_pk = friend_kind if friend_kind is not None else beyond.kind
    kind = next((k for k in match.kinds.values() if k.pk == kind_pk), None)
    kind_ids = _kind_ids(match, kind_pk)
    if friend_kind is None:
        brand_people = _brand_buyers(friend_rows, kind_ids)
    brand_id = friend_brand if friend_brand is not None else beyond.brand
    brand = None
    if brand_id in match.brand_names:  # the brand of a product model of the query, as a rule
        brand = Brand(pk=brand_id, name=match.brand_names[brand_id])
    elif brand_id:  # bought without a product model of the catalog
        brand = Brand.objects.filter(pk=brand_id).first()

    # The people counted, one use each: friends by row; friends of friends when a count that
    # includes them was drawn for this search (a repeated answer reads nobody's data again).
    for buyer in bought:
        _use(usage_map, buyer)
    if beyond.drawn and beyond.bought is not None:
        for buyer, _, _ in fof_rows:
            _use(usage_map, buyer)

    kind_people = kind_buyers.get(kind_pk, set())
    same = brand_people.get(brand.pk, set()) if brand is not None else set()
    named = set().union(
        *(_closest(network, ids) for ids in (talked_ids, bought, kind_people, same))
    )
    people = {
        p.pk: p for p in User.objects.filter(pk__any=IdArray(named)).select_related("profile")
    }

    def who(ids) -> list[User]:
        found = [people[pk] for pk in ids if pk in people]
        found.sort(key=lambda p: (-network.ties.get(p.pk, 0), p.display_name.lower()))
        return found[:WHO_LIMIT]

    steps = [
        Step(
            "talked",
            f"talked about {match.label}",
            len(talked_ids),
            beyond.talked,
            who(talked_ids),
        ),
        Step("bought", "bought one", len(bought), beyond.bought, who(bought)),
    ]
    if kind is not None:
        steps.append(
            Step(
                "kind",
                f"bought {kind.name.lower()}",
                len(kind_people),
                beyond.of_kind,
                who(kind_people),
                category_ids=set(kind_ids),
            )
        )
        if brand is not None:
            steps.append(
                Step(
                    "brand",
                    f"the same brand ({brand.name})",
                    len(same),
                    beyond.of_brand,
                    who(same),
                    category_ids=set(kind_ids),
                    brand_id=brand.pk,
                )
            )
    widest = max((step.total_shown for step in steps), default=0) or 1
    for step in steps:
        step.width = round(100 * step.total_shown / widest)
    return Funnel(
        label=match.label,
        steps=steps,
        beyond_note=EXHAUSTED_SENTENCE if beyond.exhausted else "",
    )


REVIEWS_PER_FRIEND = 3  # reviews shown under one friend in an opened step


def step_review_ids(match: TopicMatch, topic: TopicRows, funnel: Funnel) -> dict:
    """Under each step (by `id(step)`), each named friend's reviews of what that step counts
    (the whole query, the kind, or the kind of that brand), newest first: their ids, from the
    topic's visible, gated reviews (`TopicRows`). No query: `read_reviews` reads the ones shown,
    with the trusted reviews."""
    named = {person.pk for step in funnel.steps for person in step.who}
    if not named or not match.reviewed_product_ids:
        return {}
    rows = [row for row in topic.reviews if row[1] in named]
    chosen: dict[int, dict[int, list[int]]] = {}  # id(step) -> author -> review ids
    for step in funnel.steps:
        people = {person.pk for person in step.who}
        under = chosen[id(step)] = {}
        for pk, author, product, _created in rows:
            if author not in people:
                continue
            category, brand = match.products[product]
            if step.category_ids is not None and category not in step.category_ids:
                continue
            if step.brand_id is not None and brand != step.brand_id:
                continue
            mine = under.setdefault(author, [])
            if len(mine) < REVIEWS_PER_FRIEND:
                mine.append(pk)
    return chosen


def read_reviews(pks) -> dict[int, Review]:
    """The reviews a search shows (under the steps and among the trusted), whole: one query."""
    if not pks:
        return {}
    reviews = Review.objects.filter(pk__any=IdArray(pks)).select_related(
        "author__profile", "product_model__brand", "purchase"
    )
    return {review.pk: review for review in reviews}


def attach_step_reviews(
    funnel: Funnel, chosen: dict, by_pk: dict[int, Review], usage_map: dict[int, Usage]
) -> None:
    """Put each step's chosen reviews (`step_review_ids`) under it; their authors' use of the
    search is noted (one each, however many reviews and steps show them)."""
    for step in funnel.steps:
        for author, pks in chosen.get(id(step), {}).items():
            step.reviews[author] = [by_pk[pk] for pk in pks]
            for review in step.reviews[author]:
                _show(usage_map, review)


# --- Reviews ranked by trust -----------------------------------------------------------------


@dataclass
class RankedReview:
    review: Review
    relation: str  # "friend" or "fof"
    strength: float
    expertise: float
    recency: float
    score: float
    reasons: list[str]


def _best_paths(network: Network, authors: set[int]) -> dict[int, float]:
    """For reviewers who are friends of friends: the strongest two-hop path to the viewer. A path
    is as strong as its weaker tie (a product of two ties would let a distant reviewer outrank
    every friend, against `FOF_DISCOUNT`'s "half a direct tie"). One query, even for none."""
    best: dict[int, float] = {}
    links = network.prepare(
        ("paths",),
        lambda authors: Friendship.objects.filter(
            user_id__any=authors, friend_id__any=network.friend_ids
        ).values_list("user_id", "friend_id", "tie_strength"),
        authors="bigint[]",
    ).rows(authors=IdArray(authors))
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
) -> tuple[dict[int, dict], Counter]:
    """Per author: verified purchases, reviews and helpful votes received in the topic, and
    whether they declared an interest in it; and the helpful votes of each of those reviews.
    Purchases and reviews come from `TopicRows` (the authors are of the consenting network, and
    only reviews the viewer may see count); then one query for the votes on those reviews and
    one for the authors' interests."""
    facts: dict[int, dict] = {
        pk: {"verified": 0, "reviews": 0, "helpful": 0, "interest": False} for pk in author_ids
    }
    helpful: Counter = Counter()
    if not author_ids:
        return facts, helpful
    for buyer, _category, _brand, verified in topic.purchases:
        if verified and buyer in facts:
            facts[buyer]["verified"] += 1
    in_topic = {}
    for pk, author, _product, _created in topic.reviews:
        if author in facts:
            in_topic[pk] = author
            facts[author]["reviews"] += 1
    for (review_id,) in _HELPFUL_VOTES.rows(reviews=IdArray(in_topic)):
        facts[in_topic[review_id]]["helpful"] += 1
        helpful[review_id] += 1
    if match.topic_keywords:
        for user_id, name in _INTERESTS.rows(people=IdArray(author_ids)):
            if topics_in(name, match.topic_keywords):
                facts[user_id]["interest"] = True
    return facts, helpful


@dataclass
class Trusted:
    """The trusted reviews chosen (`trusted_reviews`), most trusted first, before they are read
    whole: (id, relation, strength, expertise, recency, score, reasons) each, and the helpful
    votes of each."""

    chosen: list[tuple]
    helpful: Counter

    @property
    def ids(self) -> list[int]:
        return [item[0] for item in self.chosen]


def trusted_reviews(network: Network, match: TopicMatch, topic: TopicRows) -> Trusted:
    """Reviews by friends and friends of friends, most trusted first: tie strength (a friend of
    a friend's best path, discounted) × (1 + expertise in the topic) × recency. The newest are
    ranked on their ids, authors and dates; `read_reviews` reads the ones shown."""
    if not match.reviewed_product_ids:
        return Trusted(chosen=[], helpful=Counter())
    candidates = [(pk, author, made) for pk, author, _, made in topic.reviews[:REVIEW_CANDIDATES]]
    authors = {author for _, author, _ in candidates}
    by_author = {pk: author for pk, author, _ in candidates}
    paths = _best_paths(network, {pk for pk in authors if pk not in network.ties})
    facts, helpful = _expertise(authors, match, topic)
    now = timezone.now()
    ranked = []
    for pk, author, created_at in candidates:
        fact = facts[author]
        if author in network.ties:
            relation, strength = "friend", float(network.ties[author])
        else:
            relation, strength = "fof", FOF_DISCOUNT * paths.get(author, 0.0)
        expertise = math.log1p(2 * fact["verified"] + fact["reviews"] + 0.5 * fact["helpful"]) + (
            1.0 if fact["interest"] else 0.0
        )
        age_days = max((now - created_at).total_seconds() / 86400, 0)
        recency = 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
        reasons = ["your friend" if relation == "friend" else "a friend of a friend"]
        if fact["verified"]:
            reasons.append(f"{fact['verified']} verified purchase{'s' * (fact['verified'] > 1)}")
        if fact["reviews"] > 1:
            reasons.append(f"{fact['reviews']} reviews of {match.label}")
        if fact["helpful"]:
            reasons.append(f"{fact['helpful']} helpful vote{'s' * (fact['helpful'] > 1)}")
        if fact["interest"]:
            reasons.append(f"into {match.label}")
        score = max(strength, 0.05) * (1 + expertise) * recency
        ranked.append((pk, relation, strength, expertise, recency, score, reasons))
    ranked.sort(key=lambda item: (-item[5], -item[0]))
    # A few voices, not one voice many times: at most REVIEWS_PER_AUTHOR from one person.
    per_author: Counter = Counter()
    kept = []
    for item in ranked:
        author = by_author[item[0]]
        if per_author[author] < REVIEWS_PER_AUTHOR:
            per_author[author] += 1
            kept.append(item)
    return Trusted(chosen=kept[:REVIEWS_LIMIT], helpful=helpful)


def ranked_reviews(
    trusted: Trusted, by_pk: dict[int, Review], usage_map: dict[int, Usage]
) -> list[RankedReview]:
    """The trusted reviews, read (`read_reviews`), with their helpful votes (the votes of the
    topic's reviews counted for the expertise include theirs); their authors' use noted."""
    ranked = []
    for pk, *rest in trusted.chosen:
        review = by_pk[pk]
        review.helpful_count = trusted.helpful.get(pk, 0)
        ranked.append(RankedReview(review, *rest))
        _show(usage_map, review)
    return ranked


# --- Listings --------------------------------------------------------------------------------


def friends_reviewed(viewer, network: Network, product_ids) -> dict[int, int]:
    """Per product model: how many friends reviewed it (gated). One grouped query."""
    product_ids = [pk for pk in set(product_ids) if pk]
    if not product_ids or not network.friend_ids:
        return {}
    rows = (
        gated_reviews(viewer, network)
        .filter(product_model_id__in=product_ids, author_id__any=network.friend_ids)
        .values("product_model_id")
        .annotate(n=Count("author_id", distinct=True))
    )
    return {row["product_model_id"]: row["n"] for row in rows}


NEARBY_RADIUS_KM = 50  # "for sale near you": within a day's ride of the viewer's home


def nearby_listings(viewer, network: Network, match: TopicMatch) -> SearchPage | None:
    """Matching listings nearest first (or best match without a home), each with
    `friends_reviewed` (0 when no friend reviewed its model)."""
    profile = getattr(viewer, "profile", None)
    near = (
        {"radius_km": NEARBY_RADIUS_KM, "sort": "distance"}
        if profile is not None and profile.has_home
        else {}
    )
    if match.category is not None:
        page = search_listings(
            viewer, "", category=match.category, page_size=LISTINGS_LIMIT, **near
        )
    elif match.q:
        page = search_listings(viewer, match.q, page_size=LISTINGS_LIMIT, **near)
    else:
        return None
    counts = friends_reviewed(viewer, network, [row.product_model_id for row in page.results])
    for listing in page.results:
        listing.friends_reviewed = counts.get(listing.product_model_id, 0)
    return page


# --- The search ------------------------------------------------------------------------------


@dataclass
class SocialSearch:
    q: str
    match: TopicMatch
    funnel: Funnel | None
    reviews: list[RankedReview]
    listings: SearchPage | None
    usage: dict[int, Usage] = field(default_factory=dict)


def social_search(viewer, q, *, with_listings: bool = True) -> SocialSearch:
    """The viewer's network funnel for `q`, their trusted reviews and nearby listings.

    Writes only the noisy release of the counts beyond friends (`privacy.releases`); pass
    `result.usage` to `record_usage` once the result is shown. A bounded number of queries
    whatever the size of the network. Raises `DomainError` only from the listings search's own
    input checks."""
    match = match_query(q)
    usage_map: dict[int, Usage] = {}
    if match.empty:
        return SocialSearch(q=match.q, match=match, funnel=None, reviews=[], listings=None)
    network = network_of(viewer)
    topic = topic_rows(viewer, network, match)
    funnel = build_funnel(viewer, network, match, topic, usage_map)
    chosen = step_review_ids(match, topic, funnel)
    trusted = trusted_reviews(network, match, topic)
    wanted = {pk for under in chosen.values() for pks in under.values() for pk in pks}
    by_pk = read_reviews(wanted | set(trusted.ids))
    attach_step_reviews(funnel, chosen, by_pk, usage_map)
    reviews = ranked_reviews(trusted, by_pk, usage_map)
    listings = nearby_listings(viewer, network, match) if with_listings else None
    return SocialSearch(
        q=match.q, match=match, funnel=funnel, reviews=reviews, listings=listings, usage=usage_map
    )


# --- Friends who bought this -----------------------------------------------------------------


@dataclass
class FriendsWhoBought:
    product: ProductModel
    friends: list[User]
    fof: int | None  # the noisy count of friends of friends; None: nothing said of them
    usage: dict[int, Usage] = field(default_factory=dict)
    beyond_note: str = ""  # why nothing is said of friends of friends: the day's budget

    @property
    def fof_words(self) -> str:
        return about(self.fof)

    @property
    def empty(self) -> bool:
        return not self.friends and self.fof is None


def friends_who_bought(viewer, product: ProductModel) -> FriendsWhoBought:
    """Friends (by name, exactly) who bought or reviewed `product`, and friends of friends who
    did, counted with noise (`privacy.releases`, one question a day per product), each through
    the consent gate (and reviews through their audience too). Nothing is said of friends of
    friends when none of them could be counted (none consented). Four queries once the gated
    network is kept, and the release's."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return FriendsWhoBought(product=product, friends=[], fof=None)
    network = network_of(viewer)
    buyers = (
        gated_purchases(viewer, network)
        .filter(product_model=product)
        .values_list("buyer_id", flat=True)
    )
    reviewers = (
        gated_reviews(viewer, network)
        .filter(product_model=product)
        .values_list("author_id", flat=True)
    )
    people = set(buyers) | set(reviewers)
    friends = list(
        User.objects.filter(pk__in=[pk for pk in network.friend_ids.ids if pk in people])
        .select_related("profile")
        .order_by("pk")
    )
    friends.sort(key=lambda p: (-network.ties.get(p.pk, 0), p.display_name.lower()))
    result = FriendsWhoBought(product=product, friends=friends[:WHO_LIMIT], fof=None)
    fof_ids = people & network.fof
    if network.consenting_graph.fof:
        released = release(
            viewer,
            ("bought-this", product.pk),
            lambda noise: {
                "fof": noise.counts([len(fof_ids)], sensitivity=1, epsilon=noise.epsilon)[0]
            },
        )
        if released.value is not None:
            result.fof = released.value["fof"]
            if not released.repeated:
                for pk in fof_ids:
                    _use(result.usage, pk)
        elif released.exhausted:
            result.beyond_note = EXHAUSTED_SENTENCE
    for person in result.friends:
        _use(result.usage, person.pk)
    return result
