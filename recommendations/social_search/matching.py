"""What a query is about: the topics, categories, product models and brands of the catalog it
names (`match_query`). The match holds nobody's data, only the catalog's, so it is kept in the
shared cache until the catalog changes (`catalog_changed`, connected in `apps.py`)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import KeysView
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q
from django.utils.text import slugify

from marketplace.models import Brand, Category, ProductModel
from querycache.lookups import Listed, Slot
from querycache.versions import cached, move_versions, version
from social.models import Topic
from social.topics import topics_in

QUERY_MAX_LENGTH = 120


class CatalogPlace(NamedTuple):
    """Where a product model sits in the catalog."""

    category_id: int
    brand_id: int | None


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
    # Every product model of the above (the reviewed things), by id.
    products: dict[int, CatalogPlace] = field(default_factory=dict)
    brand_names: dict[int, str] = field(default_factory=dict)  # the brands of those products
    topic_keywords: list[tuple[str, list[str]]] = field(default_factory=list)  # matched topics

    @property
    def reviewed_product_ids(self) -> KeysView[int]:
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
    def things_in(**lists: Listed | Slot) -> Q:
        """Purchases of the things in the given `lists` (ids or `Slot`s), by their names in
        `lists`: the categories, product models or brands they are of."""
        fields = {"categories": "category_id", "products": "product_model_id", "brands": "brand_id"}
        q = Q(pk__in=[])
        for name, ids in lists.items():
            q |= Q(**{f"{fields[name]}__any": ids})
        return q


def clean_query(q: object) -> str:
    return " ".join(str(q or "").split())[:QUERY_MAX_LENGTH]


CATALOG_VERSION_KEY = "social-search:catalog-version"
MATCH_CACHE_SECONDS = 600


def catalog_changed(**_signal: object) -> None:
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
    return cached(key, lambda: _match(q), MATCH_CACHE_SECONDS)


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
        match.products[pk] = CatalogPlace(category_id, brand_id)
        if brand_id is not None:
            match.brand_names[brand_id] = brand_name
    match.label = (
        match.category.name.lower() if match.category and match.category.name else q.lower()
    )
    return match
