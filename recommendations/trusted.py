"""Trusted voices: for a viewer and a topic, the people in the viewer's network whose experience
reaches furthest, with the path that connects them ("via Anna, who is in your Close friends").

The scores come from the last influence run, but who may appear is decided now, at read time, by
the consent gate: a voice must allow `influence` for this viewer, and a friend of a friend appears
only through a friend who allows it too (that friend is named on the path). Blocks either way are
excluded by the gate. A withdrawal is therefore seen by the very next request, before any run.

Counts of voices (`brand_voice_count`, and the seller's `brand_voices_near`) never name anyone and
are released with noise (`privacy.releases`), in words: never an exact count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import User, Viewer
from marketplace.geo import within_radius_of
from marketplace.models import Brand, Category, Listing, Review
from marketplace.services.brands import fans_visible_to
from privacy import usage
from privacy.consent import allowing
from privacy.purposes import Purpose
from privacy.releases import Draw, about, release
from recommendations.models import InfluenceScore
from social.models import CircleMembership, Friendship
from social.selectors import friend_ids

VOICES_LIMIT = 10
# Sellers' totals: people whose home is within this distance of the listing ("near this
# listing"), released with noise.
NEAR_LISTING_KM = 50


@dataclass
class Voice:
    person: User
    score: InfluenceScore
    via: User | None = None  # None: a friend of the viewer's
    circles: list[str] = field(default_factory=list)  # the viewer's circles of the link
    # Brands of the category the voice is a fan of, where their fan row's audience reaches the
    # viewer (and the viewer does not run that brand's page).
    fan_of: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        """How the voice is connected to the viewer, in plain words."""
        name = (self.via or self.person).profile.display_name
        where = f", who is in your {', '.join(self.circles)}" if self.circles else ""
        if self.via is None:
            return f"Your friend{where}"
        return f"Via {name}{where}"


def top_level_categories() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True)


def _links(viewer: User) -> QuerySet[User, Mapping[str, object]]:
    """The viewer's friends who allow `influence` for the viewer: the only possible paths."""
    return (
        User.objects.filter(is_active=True, pk__in=friend_ids(viewer))
        .filter(allowing(Purpose.INFLUENCE, viewer))
        .values("pk")
    )


def _network(viewer: User) -> Q:
    """Friends, and friends of friends reached through a consenting friend; not the viewer."""
    through_links = Friendship.objects.filter(user_id__in=_links(viewer)).values("friend_id")
    return (Q(person_id__in=friend_ids(viewer)) | Q(person_id__in=through_links)) & ~Q(
        person_id=viewer.pk
    )


def voice_scores(viewer: User, category: Category) -> QuerySet[InfluenceScore]:
    """The scores of the people who may appear as trusted voices to `viewer` in `category`."""
    return (
        InfluenceScore.objects.filter(category=category, person__is_active=True)
        .filter(_network(viewer))
        .filter(allowing(Purpose.INFLUENCE, viewer, owner="person"))
        .select_related("person__profile")
    )


def trusted_voices(viewer: User, category: Category, *, limit: int = VOICES_LIMIT) -> list[Voice]:
    """The highest-scoring voices in the viewer's network for `category`, each with its path.
    A friend of a friend goes through the consenting friend with the strongest tie from the
    viewer. Each voice shown, and each friend named as a path, is counted in their usage log."""
    scores = list(voice_scores(viewer, category).order_by("-score", "person_id")[:limit])
    ties = dict(Friendship.objects.filter(user=viewer).values_list("friend_id", "tie_strength"))
    distant = [s.person_id for s in scores if s.person_id not in ties]
    via: dict[int, int] = {}
    pairs = Friendship.objects.filter(friend_id__in=distant, user_id__in=_links(viewer))
    for voice_id, link_id in pairs.values_list("friend_id", "user_id").order_by("user_id"):
        if voice_id not in via or ties.get(link_id, 0) > ties.get(via[voice_id], 0):
            via[voice_id] = link_id
    links = User.objects.select_related("profile").in_bulk(set(via.values()))
    named = {s.person_id for s in scores if s.person_id in ties} | set(via.values())
    circles: dict[int, list[str]] = {}
    memberships = CircleMembership.objects.filter(circle__owner=viewer, member_id__in=named)
    for member_id, name in memberships.values_list("member_id", "circle__name"):
        circles.setdefault(member_id, []).append(name)
    voices: list[Voice] = []
    for score in scores:
        link = None if score.person_id in ties else links.get(via.get(score.person_id))
        if score.person_id not in ties and link is None:
            continue  # its only path withdrew since the query began
        key = link.pk if link else score.person_id
        voices.append(Voice(score.person, score, via=link, circles=sorted(circles.get(key, []))))
    fans_of = fans_in_category(viewer, category, [voice.person.pk for voice in voices])
    for voice in voices:
        voice.fan_of = fans_of.get(voice.person.pk, [])
        usage.record(voice.person, Purpose.INFLUENCE, f"Shown as a trusted voice in {category}")
        if voice.via:
            usage.record(voice.via, Purpose.INFLUENCE, "Named as the link to a trusted voice")
    return voices


def fans_in_category(viewer: User, category: Category, people: list[int]) -> dict[int, list[str]]:
    """For each of `people`, the brands with products in `category` (or below) they are a fan of,
    where their fan row's audience reaches `viewer`; never the brands `viewer` runs. One query."""
    if not people:
        return {}
    rows = (
        fans_visible_to(viewer)
        .filter(member_id__in=people, brand__products__category_id__in=category.with_descendants())
        .values_list("member_id", "brand__name")
        .distinct()
        .order_by("member_id", "brand__name")
    )
    found: dict[int, list[str]] = {}
    for member_id, name in rows:
        found.setdefault(member_id, []).append(name)
    return found


def network_scores(viewer: User) -> QuerySet[InfluenceScore]:
    """Every topic's scores of the people who may appear as trusted voices to `viewer`."""
    return (
        InfluenceScore.objects.filter(person__is_active=True)
        .filter(_network(viewer))
        .filter(allowing(Purpose.INFLUENCE, viewer, owner="person"))
    )


@dataclass(frozen=True)
class VoiceCount:
    """A noisy count of trusted voices (`privacy.releases`), or why there is none; `counted`:
    the people whose data this call drew the count from (none when it repeated today's)."""

    count: int | None  # None: nothing to say (nobody could be counted, or the budget is spent)
    exhausted: bool = False
    counted: tuple[int, ...] = ()

    @property
    def words(self) -> str:
        return about(self.count)


def _noisy_count(
    viewer: User,
    question: tuple[str, int],
    people: Callable[[], list[int]],
    could_count: bool,
) -> VoiceCount:
    """One noisy count of `people()` for `viewer` (one person moves it by one; read only when the
    count is drawn, not when today's answer is repeated), unless nobody could have been counted
    at all (`could_count` False: nothing said, nothing spent)."""
    if not could_count:
        return VoiceCount(count=None)
    counted: list[int] = []

    def draw(noise: Draw) -> dict[str, int]:
        counted.extend(people())
        return {"n": noise.counts([len(counted)], sensitivity=1, epsilon=noise.epsilon)[0]}

    released = release(viewer, question, draw)
    if released.value is None:
        return VoiceCount(count=None, exhausted=released.exhausted)
    return VoiceCount(count=released.value["n"], counted=tuple(counted))


def brand_voice_count(viewer: User, brand: Brand) -> VoiceCount:
    """How many trusted voices in the viewer's network recommend `brand` (a review the viewer
    may see saying "would recommend" of one of its products), with noise: one question a day per
    brand. Nothing when nobody in the network may appear as a voice to the viewer. Each person
    counted gets a line in their usage log when the count is drawn."""
    scores = network_scores(viewer)

    def people() -> list[int]:
        # Only reviews the viewer may see: an "only me" review says nothing to anyone else.
        recommending = (
            Review.objects.visible_to(viewer)
            .filter(product_model__brand=brand, would_recommend=True)
            .values("author_id")
        )
        rows = scores.filter(person_id__in=recommending).values_list("person_id", flat=True)
        return list(rows.distinct())

    answer = _noisy_count(viewer, ("brand-voices", brand.pk), people, scores.exists())
    if answer.counted:
        label = f"Counted among trusted voices for {brand}"
        usage.record_many(answer.counted, Purpose.INFLUENCE, label)
    return answer


@dataclass(frozen=True)
class BrandVoicesNear:
    """What a seller may see of the trusted voices near a listing: a noisy count in words."""

    brand: Brand
    count: int
    radius_km: int = NEAR_LISTING_KM

    @property
    def count_words(self) -> str:
        return about(self.count)

    @property
    def words(self) -> str:
        count = about(self.count).capitalize()
        return f"{count} trusted voices near this listing recommend {self.brand}."


def brand_voices_near_people(listing: Listing, *, recommending_only: bool = True) -> QuerySet[User]:
    """The people counted in `brand_voices_near`: active, not the seller, not blocked either way
    with the seller; allowing both `influence` and `insights` for the seller (each grant has a
    scope, and the seller must be inside both: otherwise the person is not counted); a trusted
    voice (an influence score) in the listing's top-level category; with a home within
    `NEAR_LISTING_KM` of the listing's public (rounded) point; and (`recommending_only`) the
    author of a review the seller may see (its audience reaches them; not hidden) of a product
    of the listing's brand, saying "would recommend". Without `recommending_only`: everyone who
    could be counted."""
    seller = listing.seller
    voices = InfluenceScore.objects.filter(category=listing.category.root).values("person_id")
    home = ("profile__home_latitude", "profile__home_longitude")
    people = (
        User.objects.filter(pk__in=voices)
        .exclude(pk=seller.pk)
        # The gate also leaves out deactivated people and blocks either way.
        .filter(allowing(Purpose.INFLUENCE, seller))
        .filter(allowing(Purpose.INSIGHTS, seller))
        .filter(
            within_radius_of(
                listing.public_latitude,
                listing.public_longitude,
                radius_km=NEAR_LISTING_KM,
                fields=home,
            )
        )
    )
    if recommending_only:
        if listing.brand_id is None:
            return people.none()  # every product has a brand: nobody recommends none
        recommending = (
            Review.objects.visible_to(seller)
            .filter(product_model__brand_id=listing.brand_id, would_recommend=True)
            .values("author_id")
        )
        people = people.filter(pk__in=recommending)
    return people


def brand_voices_near(seller: Viewer, listing: Listing) -> BrandVoicesNear | None:
    """For the listing's seller only: the noisy count of trusted voices near the listing who
    recommend its brand (see `brand_voices_near_people` for who counts), one question a day per
    listing. None for anyone else, for a listing without a brand, when nobody near could be
    counted at all, and when the seller's budget for the day is spent. Each person counted gets
    one line in their usage log (`insights`) when the count is drawn."""
    if (
        seller is None
        or not seller.is_authenticated
        or listing.seller_id != seller.pk
        or listing.brand_id is None
    ):
        return None
    could_count = brand_voices_near_people(listing, recommending_only=False).exists()
    answer = _noisy_count(
        seller,
        ("brand-voices-near", listing.pk),
        lambda: list(brand_voices_near_people(listing).values_list("pk", flat=True)),
        could_count,
    )
    if answer.count is None:
        return None
    brand = listing.brand
    if brand is None:  # never: its id was checked above
        return None
    if answer.counted:
        label = f"Counted in a seller's anonymous total of trusted voices recommending {brand}"
        usage.record_many(answer.counted, Purpose.INSIGHTS, label)
    return BrandVoicesNear(brand=brand, count=answer.count)
