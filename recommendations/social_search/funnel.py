"""The funnel: of the viewer's friends, how many talked about the topic, bought one, bought the
kind most of them bought, and the same brand, each step naming its friends (closest first) with
their reviews of what it counts; and beside each count, the friends of friends in noisy words
(`beyond`). Friends are named and counted exactly, as they consented."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from accounts.models import User
from marketplace.models import Brand, Review
from privacy.releases import EXHAUSTED_SENTENCE, about
from querycache.lookups import IdArray
from recommendations.social_search.beyond import beyond_friends
from recommendations.social_search.buyers import (
    brand_buyers,
    kind_buyers,
    kind_ids,
    most_buyers,
)
from recommendations.social_search.matching import TopicMatch
from recommendations.social_search.network import GatedNetwork, TopicPurchase, TopicRows
from recommendations.social_search.usage import Uses, note_shown, note_use
from social.models import Post, PostTag

WHO_LIMIT = 24  # names listed under one step of the funnel


@dataclass
class Named:
    """A friend named under a step of the funnel, with what they said of what the step counts:
    their reviews of it; else, on "talked", their latest post about it the viewer may see; else
    what they bought ("Trek Marlin 7")."""

    person: User
    reviews: list[Review]
    post: str = ""
    bought: str = ""


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
    bought_what: dict[int, str] = field(default_factory=dict)  # friend id -> what they bought

    @property
    def named(self) -> list[Named]:
        """The friends of this step, closest first, each with what they said of its things."""
        return [
            Named(
                person,
                self.reviews.get(person.pk, []),
                post=(getattr(person, "said", None) or "") if self.key == "talked" else "",
                bought=self.bought_what.get(person.pk, ""),
            )
            for person in self.who
        ]

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


def _talked(viewer: User, network: GatedNetwork, match: TopicMatch) -> tuple[list[int], set[int]]:
    """Friends (ids) and friends of friends (ids, to be counted with noise, never named) who
    wrote a post about the topic that the viewer may see. A post's tags carry its author,
    audience and moderation flag (kept equal to the post's by the database), so the audience
    policy is applied to the tags alone: the topic's tags are read once, from their index, and
    the network's kept. The network's ids are checked on each tag found (`__any_unindexed`): a
    topic has many more tags in the index than the network has people."""
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


def _closest(network: GatedNetwork, ids: Iterable[int]) -> list[int]:
    """Those of `ids` who can be among the first `WHO_LIMIT` named (closest first, then by
    name): everyone at least as close as the `WHO_LIMIT`-th, so only they are read."""
    ranked = sorted(ids, key=lambda pk: -network.ties.get(pk, 0))
    if len(ranked) <= WHO_LIMIT:
        return ranked
    cut = network.ties.get(ranked[WHO_LIMIT - 1], 0)
    return [pk for pk in ranked if network.ties.get(pk, 0) >= cut]


def _latest_post(viewer: User, network: GatedNetwork, match: TopicMatch) -> Subquery:
    """The text of a person's latest post about the topic that the viewer may see (the same
    audience policy `_talked` counted it by), read with the people named: no query of its own."""
    posts = (
        Post.objects.visible_to(viewer, network=network.graph)
        .filter(author_id=OuterRef("pk"), tags__tag__in=sorted(match.tags))
        .order_by("-created_at", "-id")
        .values("text")[:1]
    )
    return Subquery(posts)


def _bought_what(match: TopicMatch, rows: list[TopicPurchase], step: Step) -> dict[int, str]:
    """Per friend of a buying step, the latest thing they bought that the step counts, in
    words: the product model ("Trek Marlin 7"), else its kind ("mountain bikes")."""
    if step.key == "talked":
        return {}
    named = {person.pk for person in step.who}
    found: dict[int, str] = {}
    for row in rows:
        if row.buyer not in named or row.buyer in found:
            continue
        if step.category_ids is not None and row.category not in step.category_ids:
            continue
        if step.brand_id is not None and row.brand != step.brand_id:
            continue
        place = match.products.get(row.product) if row.product is not None else None
        kind = match.kinds.get(row.category, match.category)
        found[row.buyer] = place.name if place else (kind.name.lower() if kind else "")
    return found


def build_funnel(
    viewer: User, network: GatedNetwork, match: TopicMatch, topic: TopicRows, uses: Uses
) -> Funnel:
    """The funnel and the people named in it, from the consenting network's purchases of the
    topic (`TopicRows`): friends are named from those rows and counted exactly; friends of
    friends only counted, with noise (`beyond_friends`)."""
    talked_ids, talked_fof = _talked(viewer, network, match)
    ties, fof_ids = network.ties, network.fof
    friend_rows = [row for row in topic.purchases if row.buyer in ties]
    fof_rows = [row for row in topic.purchases if row.buyer not in ties and row.buyer in fof_ids]

    bought = {row.buyer for row in friend_rows}
    by_kind = kind_buyers(match, friend_rows)
    friend_kind = most_buyers(by_kind)
    brand_people = brand_buyers(friend_rows, kind_ids(match, friend_kind))
    friend_brand = most_buyers(brand_people) if friend_kind is not None else None
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
    in_kind = kind_ids(match, kind_pk)
    if friend_kind is None:
        brand_people = brand_buyers(friend_rows, in_kind)
    brand_id = friend_brand if friend_brand is not None else beyond.brand
    brand = None
    if brand_id in match.brand_names:  # the brand of a product model of the query, as a rule
        brand = Brand(pk=brand_id, name=match.brand_names[brand_id])
    elif brand_id:  # bought without a product model of the catalog
        brand = Brand.objects.filter(pk=brand_id).first()

    # The people counted, one use each: friends by row; friends of friends when a count that
    # includes them was drawn for this search (a repeated answer reads nobody's data again).
    for buyer in bought:
        note_use(uses, buyer)
    if beyond.drawn and beyond.bought is not None:
        for row in fof_rows:
            note_use(uses, row.buyer)

    kind_people = by_kind.get(kind_pk, set()) if kind_pk is not None else set()
    same = brand_people.get(brand.pk, set()) if brand is not None else set()
    named = set().union(
        *(_closest(network, ids) for ids in (talked_ids, bought, kind_people, same))
    )
    readers = User.objects.filter(pk__any=IdArray(named)).select_related("profile")
    if talked_ids and match.tags:
        readers = readers.annotate(said=_latest_post(viewer, network, match))
    people = {p.pk: p for p in readers}

    def who(ids: Iterable[int]) -> list[User]:
        found = [people[pk] for pk in ids if pk in people]
        found.sort(key=lambda p: (-network.ties.get(p.pk, 0), p.display_name.lower()))
        return found[:WHO_LIMIT]

    steps = [
        Step(
            "talked",
            f"talked about {match.talk_label or match.label}",
            len(talked_ids),
            beyond.talked,
            who(talked_ids),
        ),
        Step("bought", "bought one", len(bought), beyond.bought, who(bought)),
    ]
    if kind is not None and kind.pk != getattr(match.category, "pk", None):
        steps.append(
            Step(
                "kind",
                f"bought {kind.name.lower()}",
                len(kind_people),
                beyond.of_kind,
                who(kind_people),
                category_ids=set(in_kind),
            )
        )
    if kind is not None and brand is not None:
        steps.append(
            Step(
                "brand",
                f"the same brand ({brand.name})",
                len(same),
                beyond.of_brand,
                who(same),
                category_ids=set(in_kind),
                brand_id=brand.pk,
            )
        )
    widest = max((step.friends for step in steps), default=0) or 1
    for step in steps:
        step.width = round(100 * step.friends / widest)
        step.bought_what = _bought_what(match, friend_rows, step)
    return Funnel(
        label=match.label,
        steps=steps,
        beyond_note=EXHAUSTED_SENTENCE if beyond.exhausted else "",
    )


REVIEWS_PER_FRIEND = 3  # reviews shown under one friend in an opened step

StepReviewIds = dict[str, dict[int, list[int]]]  # step key -> friend id -> review ids


def step_review_ids(match: TopicMatch, topic: TopicRows, funnel: Funnel) -> StepReviewIds:
    """Under each step (by its key), each named friend's reviews of what that step counts (the
    whole query, the kind, or the kind of that brand), newest first: their ids, from the topic's
    visible, gated reviews (`TopicRows`). No query: the search reads the ones shown, with the
    trusted reviews."""
    named = {person.pk for step in funnel.steps for person in step.who}
    if not named or not match.reviewed_product_ids:
        return {}
    rows = [row for row in topic.reviews if row.author in named]
    chosen: StepReviewIds = {}
    for step in funnel.steps:
        people = {person.pk for person in step.who}
        under = chosen[step.key] = {}
        for row in rows:
            if row.author not in people:
                continue
            place = match.products[row.product]
            category, brand = place.category_id, place.brand_id
            if step.category_ids is not None and category not in step.category_ids:
                continue
            if step.brand_id is not None and brand != step.brand_id:
                continue
            mine = under.setdefault(row.author, [])
            if len(mine) < REVIEWS_PER_FRIEND:
                mine.append(row.pk)
    return chosen


def attach_step_reviews(
    funnel: Funnel, chosen: StepReviewIds, by_pk: dict[int, Review], uses: Uses
) -> None:
    """Put each step's chosen reviews (`step_review_ids`) under it; their authors' use of the
    search is noted (one each, however many reviews and steps show them)."""
    for step in funnel.steps:
        for author, pks in chosen.get(step.key, {}).items():
            step.reviews[author] = [by_pk[pk] for pk in pks]
            for review in step.reviews[author]:
                note_shown(uses, review)
