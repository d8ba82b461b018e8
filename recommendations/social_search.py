"""Social search: how the viewer's own network decided, before any listing.

    result = social_search(viewer, "bike")
    result.funnel.steps   # talked about bikes > bought one > bought mountain bikes > same brand
    result.reviews        # friends' and friends of friends' reviews, most trusted first
    result.listings       # matching listings nearby, with "2 friends reviewed this model"

The rules, which every number and every name here passes:

1. Purchases and reviews are counted or shown only when their owner allows `social_proof` for
   this viewer (`privacy.consent.allowing`, the one consent gate). A person who did not consent
   is never counted at all, so no sequence of searches, unfriendings or circle edits can single
   out their purchase by differencing two answers.
2. Posts are counted by the audience policy alone (`Post.objects.visible_to`): they are already
   shared with the viewer. Reviews are also read through `Review.objects.visible_to`.
3. Blocked people, either way, are never in the network and never counted.
4. Beyond direct friends a count is shown only when it is at least `settings.RECOMMENDATIONS_K`;
   below it the answer is None ("a few"). Friends of friends are never named here.
5. A bounded number of queries whatever the size of the network: direct friends are read as
   rows (they are named), friends of friends are one grouped aggregate per step family.

Reading never writes: the callers (page, API, "friends who bought this") pass the result's
`usage` to `record_usage`, one usage-log entry per person whose data was counted or shown.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Profile, User
from marketplace.models import Brand, Category, ProductModel, Purchase, Review
from marketplace.selectors.search import SearchPage, search_listings
from privacy import usage
from privacy.consent import allowing
from privacy.purposes import Purpose
from social.audience import blocked_either_way
from social.models import Friendship, Post, PostTag, Topic
from social.topics import topics_in

QUERY_MAX_LENGTH = 120
WHO_LIMIT = 24  # names listed under one step of the funnel
REVIEWS_LIMIT = 10
REVIEW_CANDIDATES = 200  # newest gated reviews considered for the trust ranking
LISTINGS_LIMIT = 8
FOF_DISCOUNT = 0.5  # a friend of a friend's path strength counts half a direct tie
RECENCY_HALF_LIFE_DAYS = 365


def k_floor() -> int:
    return int(getattr(settings, "RECOMMENDATIONS_K", 3))


def floored(count: int) -> int | None:
    """A count beyond direct friends: itself when at least k, else None ("a few")."""
    return count if count >= k_floor() else None


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

    @property
    def empty(self) -> bool:
        return not (self.tags or self.category_ids or self.product_ids or self.brand_ids)

    def things(self, prefix: str = "") -> Q:
        """Purchases or reviews (fields under `prefix`) of what the query is about."""
        q = Q(pk__in=[])
        if self.category_ids:
            q |= Q(**{f"{prefix}category_id__in": self.category_ids})
        if self.product_ids:
            q |= Q(**{f"{prefix}product_model_id__in": self.product_ids})
        if self.brand_ids:
            q |= Q(**{f"{prefix}brand_id__in": self.brand_ids})
        return q

    def reviewed_things(self) -> Q:
        q = Q(pk__in=[])
        if self.category_ids:
            q |= Q(product_model__category_id__in=self.category_ids)
        if self.product_ids:
            q |= Q(product_model_id__in=self.product_ids)
        if self.brand_ids:
            q |= Q(product_model__brand_id__in=self.brand_ids)
        return q


def clean_query(q) -> str:
    return " ".join(str(q or "").split())[:QUERY_MAX_LENGTH]


def match_query(q: str) -> TopicMatch:
    """Map a query to topics (their keywords or name), categories linked to those topics or
    named like the query (with every descendant), and product models or brands named by it.
    Three queries: topics, the category tree, products and brands."""
    q = clean_query(q)
    match = TopicMatch(q=q)
    if not q:
        return match
    lowered, slug = q.lower(), slugify(q)
    topics = list(Topic.objects.values_list("slug", "name", "keywords"))
    match.topic_slugs = topics_in(q, [(s, keywords) for s, _, keywords in topics]) | {
        s for s, name, _ in topics if name.lower() == lowered or s == slug
    }
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

    def below(pk: int) -> list[int]:
        found, todo = [], [pk]
        while todo:
            current = todo.pop()
            found.append(current)
            todo.extend(children.get(current, []))
        return found

    roots = sorted(pk for pk in named if tree[pk][0] not in named)
    if roots:
        root = roots[0]
        match.category = Category.objects.get(pk=root)
        for child in children.get(root, []):
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
    match.label = (
        match.category.name.lower() if match.category and match.category.name else q.lower()
    )
    return match


# --- The network -----------------------------------------------------------------------------


@dataclass
class Network:
    """The viewer's friends (ids with tie strength), minus blocks either way, and a subquery of
    their friends of friends (not the viewer, not a friend, not blocked)."""

    viewer: User
    ties: dict[int, float]

    @property
    def friend_ids(self) -> list[int]:
        return list(self.ties)

    @property
    def fof_ids(self) -> QuerySet:
        return (
            Friendship.objects.filter(user_id__in=self.friend_ids)
            .exclude(friend_id__in=[*self.friend_ids, self.viewer.pk])
            .exclude(blocked_either_way(OuterRef("friend_id"), self.viewer.pk))
            .values("friend_id")
        )

    def in_network(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__in": self.friend_ids}) | Q(
            **{f"{field_name}__in": self.fof_ids}
        )


def network_of(viewer) -> Network:
    rows = (
        Friendship.objects.filter(user_id=viewer.pk, friend__is_active=True)
        .exclude(blocked_either_way(OuterRef("friend_id"), viewer.pk))
        .values_list("friend_id", "tie_strength")
    )
    return Network(viewer=viewer, ties=dict(rows))


def gated_purchases(viewer) -> QuerySet:
    """Purchases whose buyer lets `viewer` learn from them (the consent gate)."""
    return Purchase.objects.filter(allowing(Purpose.SOCIAL_PROOF, viewer, owner="buyer"))


def gated_reviews(viewer) -> QuerySet:
    """Reviews `viewer` may see (audience policy) whose author lets them be used as social proof
    for `viewer` (consent gate)."""
    return Review.objects.visible_to(viewer).filter(
        allowing(Purpose.SOCIAL_PROOF, viewer, owner="author")
    )


# --- Usage log -------------------------------------------------------------------------------


@dataclass
class Usage:
    """What of one person's data a search counted or showed: one usage-log entry."""

    times: int = 0
    reviewed: str = ""  # a product whose review was shown, for the label

    @property
    def label(self) -> str:
        if self.reviewed:
            return f"Your review of {self.reviewed} was shown in friends' searches"
        return "Your purchases were counted in friends' searches"


def _use(usage_map: dict[int, Usage], owner_id: int, times: int = 1, reviewed: str = ""):
    entry = usage_map.setdefault(owner_id, Usage())
    entry.times += times
    if reviewed and not entry.reviewed:
        entry.reviewed = reviewed


def record_usage(usage_map: dict[int, Usage]) -> None:
    """One usage-log entry per person whose data a search counted or showed, with the count."""
    for owner_id, entry in usage_map.items():
        usage.record(User(pk=owner_id), Purpose.SOCIAL_PROOF, entry.label, times=entry.times)


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
    fof: int | None  # None: below k ("a few")
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
    def total_shown(self) -> int:
        return self.friends + (self.fof or 0)


@dataclass
class Funnel:
    label: str
    steps: list[Step]
    k: int

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


def _talked(viewer, network: Network, match: TopicMatch) -> tuple[list[int], int | None]:
    if not match.tags:
        return [], None
    tagged = Exists(PostTag.objects.filter(post_id=OuterRef("pk"), tag__in=match.tags))
    posts = Post.objects.visible_to(viewer).filter(tagged)
    friends = list(
        posts.filter(author_id__in=network.friend_ids)
        .order_by()
        .values_list("author_id", flat=True)
        .distinct()
    )
    fof = posts.filter(author_id__in=network.fof_ids).aggregate(
        n=Count("author_id", distinct=True)
    )["n"]
    return friends, floored(fof)


def _most_common(counter: Counter) -> object | None:
    if not counter:
        return None
    return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[0][0]


def build_funnel(viewer, network: Network, match: TopicMatch, usage_map: dict[int, Usage]):
    """The funnel and the people named in it (ids). Friends are read as rows, friends of friends
    as grouped aggregates."""
    talked_ids, talked_fof = _talked(viewer, network, match)
    things = match.things()
    purchases = gated_purchases(viewer).filter(things)
    rows = list(
        purchases.filter(buyer_id__in=network.friend_ids).values_list(
            "buyer_id", "category_id", "brand_id"
        )
    )
    bought = {buyer for buyer, _, _ in rows}
    kind_buyers: dict[int, set[int]] = defaultdict(set)
    for buyer, category_id, _ in rows:
        kind = match.kinds.get(category_id)
        if kind is not None:
            kind_buyers[kind.pk].add(buyer)

    fof_purchases = purchases.filter(buyer_id__in=network.fof_ids)
    kind_pk = _most_common(Counter({pk: len(ids) for pk, ids in kind_buyers.items()}))
    if kind_pk is None and match.kinds:
        # No friend bought a kind of it: the friends of friends' most common kind decides.
        per_category = fof_purchases.values("category_id").annotate(
            n=Count("buyer_id", distinct=True)
        )
        counter: Counter = Counter()
        for row in per_category:
            kind = match.kinds.get(row["category_id"])
            if kind is not None:
                counter[kind.pk] += row["n"]
        kind_pk = _most_common(counter)
    kind = next((k for k in match.kinds.values() if k.pk == kind_pk), None)
    kind_ids = [pk for pk, k in match.kinds.items() if k.pk == kind_pk]

    kind_people = kind_buyers.get(kind_pk, set())
    brand_people: dict[int, set[int]] = defaultdict(set)
    for buyer, category_id, brand in rows:
        if brand and category_id in kind_ids:
            brand_people[brand].add(buyer)
    brand_counter = Counter({b: len(ids) for b, ids in brand_people.items()})
    brand_id = _most_common(brand_counter)
    if brand_id is None and kind_ids:
        per_brand = (
            fof_purchases.filter(category_id__in=kind_ids, brand_id__isnull=False)
            .values("brand_id")
            .annotate(n=Count("buyer_id", distinct=True))
        )
        brand_id = _most_common(Counter({row["brand_id"]: row["n"] for row in per_brand}))
    brand = Brand.objects.filter(pk=brand_id).first() if brand_id else None

    fof = fof_purchases.aggregate(
        bought=Count("buyer_id", distinct=True),
        kind=Count("buyer_id", distinct=True, filter=Q(category_id__in=kind_ids or [0])),
        brand=Count(
            "buyer_id",
            distinct=True,
            filter=Q(category_id__in=kind_ids or [0], brand_id=brand_id or 0),
        ),
    )
    # The people counted: friends by row; friends of friends only when their count is shown.
    for buyer in bought:
        _use(usage_map, buyer)
    if floored(fof["bought"]) is not None:
        for buyer in fof_purchases.order_by().values_list("buyer_id", flat=True).distinct():
            _use(usage_map, buyer)

    named = set(talked_ids) | bought
    people = {p.pk: p for p in User.objects.filter(pk__in=named).select_related("profile")}

    def who(ids) -> list[User]:
        found = [people[pk] for pk in ids if pk in people]
        found.sort(key=lambda p: (-network.ties.get(p.pk, 0), p.display_name.lower()))
        return found[:WHO_LIMIT]

    steps = [
        Step("talked", f"talked about {match.label}", len(talked_ids), talked_fof, who(talked_ids)),
        Step("bought", "bought one", len(bought), floored(fof["bought"]), who(bought)),
    ]
    if kind is not None:
        steps.append(
            Step(
                "kind",
                f"bought {kind.name.lower()}",
                len(kind_people),
                floored(fof["kind"]),
                who(kind_people),
                category_ids=set(kind_ids),
            )
        )
        if brand is not None:
            same = brand_people.get(brand.pk, set())
            steps.append(
                Step(
                    "brand",
                    f"the same brand ({brand.name})",
                    len(same),
                    floored(fof["brand"]),
                    who(same),
                    category_ids=set(kind_ids),
                    brand_id=brand.pk,
                )
            )
    widest = max((step.total_shown for step in steps), default=0) or 1
    for step in steps:
        step.width = round(100 * step.total_shown / widest)
    return Funnel(label=match.label, steps=steps, k=k_floor())


REVIEWS_PER_FRIEND = 3  # reviews shown under one friend in an opened step


def attach_step_reviews(
    viewer, match: TopicMatch, funnel: Funnel, usage_map: dict[int, Usage], shown: set[int]
) -> None:
    """Under each step, each named friend's reviews of what that step counts (the whole query,
    the kind, or the kind of that brand), newest first: gated and visible like every review
    here. One query for all the steps. A review shown is counted once in its author's usage
    log, however many steps show it (its id goes into `shown`)."""
    named = {person.pk for step in funnel.steps for person in step.who}
    if not named or not (match.category_ids or match.product_ids or match.brand_ids):
        return
    reviews = list(
        gated_reviews(viewer)
        .filter(match.reviewed_things(), author_id__in=named)
        .select_related("product_model__brand")
        .order_by("-created_at", "-id")
    )
    for step in funnel.steps:
        people = {person.pk for person in step.who}
        for review in reviews:
            model = review.product_model
            if review.author_id not in people:
                continue
            if step.category_ids is not None and model.category_id not in step.category_ids:
                continue
            if step.brand_id is not None and model.brand_id != step.brand_id:
                continue
            under = step.reviews.setdefault(review.author_id, [])
            if len(under) >= REVIEWS_PER_FRIEND:
                continue
            under.append(review)
            if review.pk not in shown:
                shown.add(review.pk)
                _use(usage_map, review.author_id, reviewed=str(model))


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


def _path_strength(viewer, network: Network) -> Subquery:
    """For a reviewer who is a friend of a friend: the strongest two-hop path to the viewer. A
    path is as strong as its weaker tie (a product of two ties would let a distant reviewer
    outrank every friend, against `FOF_DISCOUNT`'s "half a direct tie")."""
    first_hop = Friendship.objects.filter(user_id=viewer.pk, friend_id=OuterRef("friend_id"))
    return Subquery(
        Friendship.objects.filter(user_id=OuterRef("author_id"), friend_id__in=network.friend_ids)
        .annotate(path=Least(F("tie_strength"), Subquery(first_hop.values("tie_strength")[:1])))
        .order_by("-path")
        .values("path")[:1]
    )


def _expertise(author_ids: set[int], match: TopicMatch) -> dict[int, dict]:
    """Per author: verified purchases, reviews and helpful votes received in the topic, and
    whether they declared an interest in it. Three grouped queries."""
    facts: dict[int, dict] = {
        pk: {"verified": 0, "reviews": 0, "helpful": 0, "interest": False} for pk in author_ids
    }
    if not author_ids:
        return facts
    verified = (
        Purchase.objects.filter(match.things(), buyer_id__in=author_ids, verified=True)
        .values("buyer_id")
        .annotate(n=Count("id"))
    )
    for row in verified:
        facts[row["buyer_id"]]["verified"] = row["n"]
    reviews = (
        Review.objects.filter(match.reviewed_things(), author_id__in=author_ids, hidden=False)
        .values("author_id")
        .annotate(n=Count("id", distinct=True), helpful=Count("helpful_votes"))
    )
    for row in reviews:
        facts[row["author_id"]].update(reviews=row["n"], helpful=row["helpful"])
    if match.topic_slugs:
        topics = list(
            Topic.objects.filter(slug__in=match.topic_slugs).values_list("slug", "keywords")
        )
        interests = Profile.interests.through.objects.filter(
            profile__user_id__in=author_ids
        ).values_list("profile__user_id", "interest__name")
        for user_id, name in interests:
            if topics_in(name, topics):
                facts[user_id]["interest"] = True
    return facts


def ranked_reviews(
    viewer,
    network: Network,
    match: TopicMatch,
    usage_map: dict[int, Usage],
    shown: set[int] | None = None,
):
    """Reviews by friends and friends of friends, most trusted first: tie strength (a friend of
    a friend's best path, discounted) × (1 + expertise in the topic) × recency. A review already
    in `shown` (under a step of the funnel) is not counted again in its author's usage log."""
    shown = shown if shown is not None else set()
    if not (match.category_ids or match.product_ids or match.brand_ids):
        return []
    tie = Friendship.objects.filter(user_id=viewer.pk, friend_id=OuterRef("author_id"))
    candidates = list(
        gated_reviews(viewer)
        .filter(match.reviewed_things())
        .filter(network.in_network("author_id"))
        .select_related("author__profile", "product_model__brand", "purchase")
        .annotate(
            tie=Subquery(tie.values("tie_strength")[:1]),
            path=_path_strength(viewer, network),
            helpful_count=Count("helpful_votes", distinct=True),
        )
        .order_by("-created_at", "-id")[:REVIEW_CANDIDATES]
    )
    facts = _expertise({review.author_id for review in candidates}, match)
    now = timezone.now()
    ranked = []
    for review in candidates:
        fact = facts[review.author_id]
        if review.tie is not None:
            relation, strength = "friend", float(review.tie)
        else:
            relation, strength = "fof", FOF_DISCOUNT * float(review.path or 0)
        expertise = math.log1p(2 * fact["verified"] + fact["reviews"] + 0.5 * fact["helpful"]) + (
            1.0 if fact["interest"] else 0.0
        )
        age_days = max((now - review.created_at).total_seconds() / 86400, 0)
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
        ranked.append(RankedReview(review, relation, strength, expertise, recency, score, reasons))
    ranked.sort(key=lambda item: (-item.score, -item.review.pk))
    ranked = ranked[:REVIEWS_LIMIT]
    for item in ranked:
        if item.review.pk not in shown:
            shown.add(item.review.pk)
            _use(usage_map, item.review.author_id, reviewed=str(item.review.product_model))
    return ranked


# --- Listings --------------------------------------------------------------------------------


def friends_reviewed(viewer, network: Network, product_ids) -> dict[int, int]:
    """Per product model: how many friends reviewed it (gated). One grouped query."""
    product_ids = [pk for pk in set(product_ids) if pk]
    if not product_ids or not network.friend_ids:
        return {}
    rows = (
        gated_reviews(viewer)
        .filter(product_model_id__in=product_ids, author_id__in=network.friend_ids)
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

    Reads only; pass `result.usage` to `record_usage` once the result is shown. A bounded
    number of queries whatever the size of the network. Raises `DomainError` only from the
    listings search's own input checks."""
    match = match_query(q)
    usage_map: dict[int, Usage] = {}
    if match.empty:
        return SocialSearch(q=match.q, match=match, funnel=None, reviews=[], listings=None)
    network = network_of(viewer)
    funnel = build_funnel(viewer, network, match, usage_map)
    shown: set[int] = set()  # reviews on the page, each counted once in the usage log
    attach_step_reviews(viewer, match, funnel, usage_map, shown)
    reviews = ranked_reviews(viewer, network, match, usage_map, shown)
    listings = nearby_listings(viewer, network, match) if with_listings else None
    return SocialSearch(
        q=match.q, match=match, funnel=funnel, reviews=reviews, listings=listings, usage=usage_map
    )


# --- Friends who bought this -----------------------------------------------------------------


@dataclass
class FriendsWhoBought:
    product: ProductModel
    friends: list[User]
    fof: int | None  # None: below k
    usage: dict[int, Usage] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.friends and not self.fof


def friends_who_bought(viewer, product: ProductModel) -> FriendsWhoBought:
    """Friends (by name) and, when at least k, the number of friends of friends who bought or
    reviewed `product`, each through the consent gate (and reviews through their audience).
    Three queries."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return FriendsWhoBought(product=product, friends=[], fof=None)
    network = network_of(viewer)
    bought_or_reviewed = Q(
        pk__in=gated_purchases(viewer).filter(product_model=product).values("buyer_id")
    ) | Q(pk__in=gated_reviews(viewer).filter(product_model=product).values("author_id"))
    friends = list(
        User.objects.filter(bought_or_reviewed, pk__in=network.friend_ids)
        .select_related("profile")
        .order_by("pk")
    )
    friends.sort(key=lambda p: (-network.ties.get(p.pk, 0), p.display_name.lower()))
    fof_ids = list(
        User.objects.filter(bought_or_reviewed, pk__in=network.fof_ids).values_list("pk", flat=True)
    )
    fof = floored(len(fof_ids))
    result = FriendsWhoBought(product=product, friends=friends[:WHO_LIMIT], fof=fof)
    shown = [p.pk for p in result.friends] + (fof_ids if fof is not None else [])
    for pk in shown:
        _use(result.usage, pk)
    return result
