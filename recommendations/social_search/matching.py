"""What a query is about: the topics, categories, product models and brands of the catalog it
names (`match_query`). The match holds nobody's data, only the catalog's, so it is kept in the
shared cache until the catalog changes (`catalog_changed`, connected in `apps.py`)."""

from __future__ import annotations

import difflib
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
from social.topics import WORD, singular, topics_in

QUERY_MAX_LENGTH = 120


class CatalogPlace(NamedTuple):
    """Where a product model sits in the catalog."""

    category_id: int
    brand_id: int | None
    name: str = ""  # "Trek Marlin 7"


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
    # What friends "talked about": the matched topics' names ("bikes"); the label by default.
    talk_label: str = ""
    # For a query that names nothing known: a few known topics it resembles (or any few).
    suggestions: list[str] = field(default_factory=list)

    @property
    def reviewed_product_ids(self) -> KeysView[int]:
        return self.products.keys()

    @property
    def empty(self) -> bool:
        """Nothing known is named: no topic, category, product model or brand. A word only
        found as a #hashtag is not enough to draw a funnel of zeros about it."""
        return not (self.topic_slugs or self.category_ids or self.product_ids or self.brand_ids)

    @property
    def unknown(self) -> bool:
        """A query was asked, and it names nothing the catalog knows."""
        return bool(self.q) and self.empty

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
    key = f"social-search:match:v2:{version(CATALOG_VERSION_KEY)}:{digest}"
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
    specific = most_specific(q, {pk: name for pk, (_, name, _, _) in tree.items()})
    if specific is not None:
        named = {specific}
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
        if not match.kinds:  # a leaf ("Mountain bikes"): its one kind is itself, for the brand
            match.kinds[root] = match.category
    for pk in named:
        match.category_ids.update(below(pk))

    named_models = Q(name__iexact=q) | Q(slug=slug) | Q(brand__name__iexact=q)
    words = WORD.findall(lowered)
    if len(words) > 1 and specific is None:  # "trek marlin": every word in the brand or model
        every = Q()
        for word in words:
            every &= Q(name__icontains=word) | Q(brand__name__icontains=word)
        named_models |= every
    products = ProductModel.objects.filter(named_models).values_list(
        "pk", "brand_id", "brand__name"
    )[:MODELS_NAMED]
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
        "pk", "category_id", "brand_id", "brand__name", "name"
    )
    for pk, category_id, brand_id, brand_name, name in rows:
        full = f"{brand_name} {name}" if brand_name else name
        match.products[pk] = CatalogPlace(category_id, brand_id, full)
        if brand_id is not None:
            match.brand_names[brand_id] = brand_name
    match.label = (
        match.category.name.lower() if match.category and match.category.name else q.lower()
    )
    names = {s: name for s, name, _ in topics}
    match.talk_label = (
        " and ".join(sorted(names[s].lower() for s in match.topic_slugs)) or match.label
    )
    if match.empty:
        match.suggestions = suggestions_for(q, topics)
    return match


MODELS_NAMED = 50  # product models one query can name by its words


def _words(text: str) -> set[str]:
    return {singular(word) for word in WORD.findall(text.lower())}


def most_specific(q: str, names: dict[int, str]) -> int | None:
    """The category whose name carries every word of a query of several words, the fewest
    other words first ("mountain bike": Mountain bikes, not Bikes), or None."""
    wanted = _words(q)
    if len(wanted) < 2:
        return None
    fitting = [(len(_words(n)), n, pk) for pk, n in names.items() if wanted <= _words(n)]
    return min(fitting)[2] if fitting else None


SUGGESTIONS = 4


def suggestions_for(q: str, topics: list[tuple[str, str, list[str]]]) -> list[str]:
    """A few known topics, by name: those spelled like the query first, then the first few."""
    by_word = {word: name for _, name, keywords in topics for word in [name.lower(), *keywords]}
    close = difflib.get_close_matches(q.lower(), list(by_word), n=SUGGESTIONS, cutoff=0.6)
    found = list(dict.fromkeys(by_word[word] for word in close))
    for _, name, _ in sorted(topics):
        if len(found) >= SUGGESTIONS:
            break
        if name not in found:
            found.append(name)
    return found
