"""A person's own recommendations: the listings they view, their preference profile, "you may
like", and "people who bought X also bought Y".

Consent decides everything here:

- Views are recorded, and the profile is computed, only while the person's own
  `personalization` is on (`consent.granted`). Withdrawing stops both at the very next request:
  nothing is cached. Their earlier views stay theirs (exported, erased with the account).
- "Also bought" counts other people's purchases. The `personalization` notice promises that what
  a person views and buys tailors recommendations "for you alone", so it cannot be the consent
  that lets their purchases be counted for somebody else. The consent that says so is
  `social_proof` ("your purchases may be counted in what they see"), scoped to the people the
  owner chose. So a buyer is counted for a viewer only where `consent.allowing(SOCIAL_PROOF,
  viewer)` holds (which also leaves out blocks either way and inactive accounts). Nobody is named:
  the counts are released with noise, and a product appears only when its noisy count passes
  the threshold of noisy partition selection (`privacy.releases`), never from one person's
  purchase. Each counted owner's usage log records it, under `social_proof`.
- Nothing is sponsored. A `Recommendation` still carries `sponsored` and its label, so that a
  future paid placement cannot be shown without one (the tests check both).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import Profile, User, Viewer
from marketplace.geo import distance_km, within_radius_of
from marketplace.models import Brand, Category, Listing, ProductModel, Purchase, Review
from marketplace.selectors.search import with_cards
from privacy import consent
from privacy.purposes import Purpose
from privacy.releases import Draw, about, release
from recommendations.models import ListingView

# How much one signal weighs in the profile.
VIEW_WEIGHT = 1.0
PURCHASE_WEIGHT = 3.0
REVIEW_WEIGHT = 2.0  # a review of 3 stars or more; a poor review says nothing we should repeat
LIKED_RATING = 3

HISTORY_LIMIT = 300  # the most recent views, purchases and reviews read for the profile
CANDIDATES_LIMIT = 300  # listings scored for "you may like"
YOU_MAY_LIKE_LIMIT = 12
YOU_MAY_LIKE_RADIUS_KM = 100  # with a home: a day trip to pick it up
ALSO_BOUGHT_LIMIT = 5
TOP_BRANDS = 5

SPONSORED_LABEL = "Sponsored"
USAGE_LABEL = "Your purchase of {product} was counted in “also bought”"


# --- recording views ---------------------------------------------------------------------------


def record_view(viewer: Viewer, listing: Listing) -> ListingView | None:
    """Record that `viewer` opened `listing`, only while their `personalization` is on. A
    seller's look at their own listing, and anonymous visits, are never recorded."""
    if viewer is None or not viewer.is_authenticated or listing.seller_id == viewer.pk:
        return None
    if not consent.granted(viewer, Purpose.PERSONALIZATION):
        return None
    return ListingView.objects.create(viewer=viewer, listing=listing)


# --- the preference profile --------------------------------------------------------------------


@dataclass
class Interest:
    """One category or brand in the profile, with the signals behind it."""

    pk: int
    name: str
    weight: float = 0.0
    viewed: int = 0
    bought: int = 0
    reviewed: int = 0


@dataclass
class PriceBand:
    currency: str
    median: Decimal
    low: Decimal
    high: Decimal

    def contains(self, price: Decimal, currency: str) -> bool:
        return currency == self.currency and self.low <= price <= self.high


@dataclass
class PreferenceProfile:
    """What a person's own views, purchases and reviews say they like. Empty when
    `personalization` is off (`enabled` False) or when there is nothing yet."""

    enabled: bool
    categories: list[Interest] = field(default_factory=list)
    brands: list[Interest] = field(default_factory=list)
    price_band: PriceBand | None = None
    conditions: list[tuple[str, int]] = field(default_factory=list)
    views: int = 0
    purchases: int = 0
    reviews: int = 0
    bought_listing_ids: set[int] = field(default_factory=set)
    bought_product_ids: set[int] = field(default_factory=set)
    category_parent: dict[int, int | None] = field(default_factory=dict)
    category_topic: dict[int, int | None] = field(default_factory=dict)  # what each is about
    category_name: dict[int, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.categories or self.brands)

    def category(self, pk: int | None) -> Interest | None:
        return next((c for c in self.categories if c.pk == pk), None)

    def brand(self, pk: int | None) -> Interest | None:
        return next((b for b in self.brands if b.pk == pk), None)

    def root_of(self, pk: int | None) -> int | None:
        seen = 0
        while pk is not None and self.category_parent.get(pk) is not None and seen < 20:
            pk, seen = self.category_parent[pk], seen + 1
        return pk


def _spread(prices: list[Decimal], median: Decimal) -> Decimal:
    """Half the usual distance from the median, at least a fifth of it: one price is a band."""
    deviation = statistics.median(abs(p - median) for p in prices)
    return max(deviation * Decimal("1.5"), median / 5).quantize(Decimal("0.01"))


def preference_profile(person: Viewer) -> PreferenceProfile:
    """The person's preference profile from their own views, purchases and reviews, in five
    queries whatever their history. Empty (not enabled) without `personalization`."""
    if person is None or not person.is_authenticated:
        return PreferenceProfile(enabled=False)
    if not consent.granted(person, Purpose.PERSONALIZATION):
        return PreferenceProfile(enabled=False)

    views = list(
        ListingView.objects.filter(viewer=person)
        .order_by("-viewed_at")
        .values_list(
            "listing__category_id",
            "listing__brand_id",
            "listing__price",
            "listing__currency",
            "listing__condition",
        )[:HISTORY_LIMIT]
    )
    purchases = list(
        Purchase.objects.filter(buyer=person)
        .order_by("-purchased_on", "-id")
        .values_list(
            "category_id",
            "brand_id",
            "price",
            "currency",
            "listing__condition",
            "listing_id",
            "product_model_id",
        )[:HISTORY_LIMIT]
    )
    reviews = list(
        Review.objects.filter(author=person, rating__gte=LIKED_RATING)
        .order_by("-created_at")
        .values_list(
            Coalesce("product_model__category_id", "category_id"),
            Coalesce("product_model__brand_id", "brand_id"),
        )[:HISTORY_LIMIT]
    )

    categories: dict[int, Interest] = {}
    brands: dict[int, Interest] = {}

    def note(table: dict[int, Interest], pk: int | None, kind: str, weight: float) -> None:
        if pk is None:
            return
        interest = table.setdefault(pk, Interest(pk=pk, name=""))
        interest.weight += weight
        setattr(interest, kind, getattr(interest, kind) + 1)

    prices: dict[str, list[Decimal]] = defaultdict(list)
    conditions: Counter[str] = Counter()
    for category_id, brand_id, price, currency, condition in views:
        note(categories, category_id, "viewed", VIEW_WEIGHT)
        note(brands, brand_id, "viewed", VIEW_WEIGHT)
        prices[currency].append(price)
        conditions[condition] += 1
    profile = PreferenceProfile(enabled=True, views=len(views), purchases=len(purchases))
    for category_id, brand_id, paid, currency, condition, listing_id, product_id in purchases:
        note(categories, category_id, "bought", PURCHASE_WEIGHT)
        note(brands, brand_id, "bought", PURCHASE_WEIGHT)
        if paid is not None and currency:
            prices[currency].append(paid)
        if condition:
            conditions[condition] += 1
        if listing_id:
            profile.bought_listing_ids.add(listing_id)
        if product_id:
            profile.bought_product_ids.add(product_id)
    for category_id, brand_id in reviews:
        note(categories, category_id, "reviewed", REVIEW_WEIGHT)
        note(brands, brand_id, "reviewed", REVIEW_WEIGHT)
    profile.reviews = len(reviews)

    tree = Category.objects.values_list("pk", "parent_id", "name", "topic_id")
    names = profile.category_name
    for pk, parent_id, name, topic_id in tree:
        profile.category_parent[pk] = parent_id
        profile.category_topic[pk] = topic_id
        names[pk] = name
    for interest in categories.values():
        interest.name = names.get(interest.pk, "")
    top_brands = sorted(brands.values(), key=lambda b: (-b.weight, b.pk))[:TOP_BRANDS]
    brand_names = dict(
        Brand.objects.filter(pk__in=[b.pk for b in top_brands]).values_list("pk", "name")
    )
    for interest in top_brands:
        interest.name = brand_names.get(interest.pk, "")

    profile.categories = sorted(categories.values(), key=lambda c: (-c.weight, c.name))
    profile.brands = top_brands
    profile.conditions = conditions.most_common()
    if prices:
        currency, amounts = max(prices.items(), key=lambda item: (len(item[1]), item[0]))
        median = Decimal(statistics.median(amounts)).quantize(Decimal("0.01"))
        spread = _spread(amounts, median)
        profile.price_band = PriceBand(
            currency=currency,
            median=median,
            low=max(median - spread, Decimal(0)),
            high=median + spread,
        )
    return profile


# --- you may like ------------------------------------------------------------------------------


@dataclass
class Recommendation:
    """A listing recommended to one person, with why, in plain words."""

    listing: Listing
    score: float
    reasons: list[str]
    distance_km: float | None = None
    sponsored: bool = False

    @property
    def reason(self) -> str:
        """ "Because you looked at 3 listings in Road bikes and bought from Trek; …"."""
        if not self.reasons:
            return ""
        *head, last = self.reasons
        return "Because " + (", ".join(head) + " and " if head else "") + last + "."

    @property
    def label(self) -> str:
        return SPONSORED_LABEL if self.sponsored else ""


def _times(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _category_reason(interest: Interest) -> str:
    parts = []
    if interest.viewed:
        parts.append(f"looked at {_times(interest.viewed, 'listing')}")
    if interest.bought:
        parts.append(f"bought {_times(interest.bought, 'thing')}")
    if interest.reviewed:
        parts.append(f"reviewed {_times(interest.reviewed, 'product')}")
    return "you " + " and ".join(parts) + f" in {interest.name}"


def _brand_reason(interest: Interest) -> str:
    if interest.bought:
        return f"you bought from {interest.name}"
    if interest.reviewed:
        return f"you reviewed {interest.name}"
    return f"you looked at {interest.name} listings"


def _closest_interest(profile: PreferenceProfile, category_id: int) -> Interest | None:
    """The person's strongest category about the same thing as `category_id`: under the same
    top category and about the same topic (Gravel bikes for Road bikes, both bikes; never
    Cameras for Phones, which Electronics merely files together). None: nothing close."""
    root, topic = profile.root_of(category_id), profile.category_topic.get(category_id)
    if root is None or topic is None:
        return None
    return next(
        (
            c
            for c in profile.categories
            if c.pk != category_id
            and profile.root_of(c.pk) == root
            and profile.category_topic.get(c.pk) == topic
        ),
        None,
    )


def _score(
    profile: PreferenceProfile, listing: Listing, home: Profile | None
) -> Recommendation | None:
    score = 0.0
    reasons: list[str] = []
    total = sum(c.weight for c in profile.categories) or 1.0
    category = profile.category(listing.category_id)
    if category is not None:
        score += 3.0 * (0.5 + category.weight / total)
        reasons.append(_category_reason(category))
    else:
        best = _closest_interest(profile, listing.category_id)
        if best is not None:
            score += 1.5 * (0.5 + best.weight / total)
            root = profile.category_name.get(profile.root_of(listing.category_id) or 0, "")
            here = profile.category_name.get(listing.category_id, "")
            reasons.append(f"{_category_reason(best)} (this one is in {here}, also under {root})")
    brand = profile.brand(listing.brand_id)
    if brand is not None:
        brand_total = sum(b.weight for b in profile.brands) or 1.0
        score += 2.0 * (0.5 + brand.weight / brand_total)
        reasons.append(_brand_reason(brand))
    if not reasons:
        return None
    band = profile.price_band
    if band is not None and band.contains(listing.price, listing.currency):
        score += 1.0
        symbol = Listing.Currency(band.currency).label
        low, high = math.floor(band.low), math.ceil(band.high)  # never narrower than the band
        reasons.append(f"its price is in your usual range ({symbol}{low}–{high})")
    distance = None
    if home is not None:
        distance = distance_km(
            home.home_latitude,
            home.home_longitude,
            listing.public_latitude,
            listing.public_longitude,
        )
        score += 1.0 / (1.0 + distance / 10.0)
        if distance <= 25:
            reasons.append(f"it is about {distance:.0f} km from your home")
    return Recommendation(listing=listing, score=score, reasons=reasons, distance_km=distance)


def you_may_like(
    viewer: Viewer, *, profile: PreferenceProfile | None = None, limit: int = YOU_MAY_LIKE_LIMIT
) -> list[Recommendation]:
    """Live listings `viewer` may see, within `YOU_MAY_LIKE_RADIUS_KM` of their home when they
    gave one, not their own and not what they already bought, ranked by their profile
    (category, brand, price band, distance from home), each with its reasons. Empty
    without `personalization`. One query for the candidates, after the profile's."""
    profile = profile if profile is not None else preference_profile(viewer)
    if viewer is None or not viewer.is_authenticated or not profile.enabled or profile.is_empty:
        return []
    wanted_categories = {c.pk for c in profile.categories}
    roots = {profile.root_of(pk) for pk in wanted_categories}
    wanted_categories |= {pk for pk in profile.category_parent if profile.root_of(pk) in roots}
    wanted_brands = {b.pk for b in profile.brands}
    home: Profile | None = getattr(viewer, "profile", None)  # none made yet: no home
    if home is not None and not home.has_home:
        home = None
    # Second-hand goods change hands in person: with a home, only what is within reach of it.
    reach = (
        within_radius_of(home.home_latitude, home.home_longitude, radius_km=YOU_MAY_LIKE_RADIUS_KM)
        if home is not None
        else Q()
    )
    candidates = (
        Listing.objects.visible_to(viewer)
        .live()
        .filter(reach)
        .filter(Q(category_id__in=wanted_categories) | Q(brand_id__in=wanted_brands))
        .exclude(seller=viewer)
        .exclude(pk__in=profile.bought_listing_ids)
        .exclude(product_model_id__in=profile.bought_product_ids)
        .select_related("category", "brand")
        .order_by("-published_at", "-id")[:CANDIDATES_LIMIT]
    )
    scored = [r for listing in candidates if (r := _score(profile, listing, home)) is not None]
    scored.sort(key=lambda r: (-r.score, -r.listing.pk))
    chosen = scored[:limit]
    with_cards([r.listing for r in chosen])  # the cover photo: one query for them all
    for r in chosen:
        r.listing.distance_km = r.distance_km  # type: ignore[attr-defined]  # the card's distance
    return chosen


# --- people who bought X also bought Y ---------------------------------------------------------


@dataclass
class AlsoBought:
    product: ProductModel
    people: int  # noisy

    @property
    def people_words(self) -> str:
        return about(self.people)

    @property
    def reason(self) -> str:
        return f"{about(self.people).capitalize()} people who bought this also bought it"


def _counted_buyers(
    viewer: User, product: ProductModel
) -> QuerySet[Purchase, Mapping[str, object]]:
    """Buyers of `product` whose purchases may be counted where `viewer` sees them."""
    return (
        Purchase.objects.filter(product_model=product)
        .exclude(buyer_id=viewer.pk)
        .filter(consent.allowing(Purpose.SOCIAL_PROOF, viewer, owner="buyer"))
        .values("buyer_id")
    )


def also_bought(
    viewer: Viewer, product: ProductModel, *, limit: int = ALSO_BOUGHT_LIMIT
) -> list[AlsoBought]:
    """Other products bought by people who bought `product` and let `viewer` count their
    purchases (`social_proof`), most first, as a noisy release (`privacy.releases`, one question
    a day per product): each buyer is counted under one other product (their latest), and a
    product appears only when its noisy count passes the partition-selection threshold. The
    owners counted get a line in their usage log once this transaction commits, when the counts
    are drawn. Three queries, and the release's."""
    if viewer is None or not viewer.is_authenticated:
        return []
    buyers = _counted_buyers(viewer, product)
    latest: dict[int, int] = {}  # buyer -> the other product they bought last
    rows = (
        Purchase.objects.filter(buyer_id__in=buyers, product_model__isnull=False)
        .exclude(product_model=product)
        .order_by("buyer_id", "-purchased_on", "-id")
        .values_list("buyer_id", "product_model_id")
    )
    for buyer, product_id in rows:
        latest.setdefault(buyer, product_id)
    if not latest:  # nobody could be counted: nothing to say, nothing spent
        return []

    def draw(noise: Draw) -> dict[str, object]:
        counts = Counter(str(pk) for pk in latest.values())
        return {"products": noise.select(counts, contributions=1, epsilon=noise.epsilon)}

    released = release(viewer, ("also-bought", product.pk), draw)
    if released.value is None:
        return []
    noisy = {int(pk): n for pk, n in released.value["products"].items()}
    top = sorted(noisy, key=lambda pk: (-noisy[pk], pk))[:limit]
    products = ProductModel.objects.select_related("brand").in_bulk(top)
    if not released.repeated:
        owner_ids = [buyer for buyer, pk in latest.items() if pk in noisy]
        label = USAGE_LABEL.format(product=product)
        from recommendations.tasks import record_also_bought_usage

        record_also_bought_usage.enqueue(owner_ids, label)
    return [AlsoBought(product=products[pk], people=noisy[pk]) for pk in top if pk in products]


def record_usage(owner_ids: list[int], label: str) -> int:
    """One line in each owner's usage log: their purchase was counted (aggregated per day)."""
    from privacy import usage

    active = User.objects.filter(pk__in=owner_ids, is_active=True).values_list("pk", flat=True)
    return usage.record_many(active, Purpose.SOCIAL_PROOF, label)


def on_listing_viewed(
    sender: object, *, viewer: Viewer, listing: Listing, **kwargs: object
) -> None:
    """The marketplace's `listing_viewed` signal: record it, if the viewer allows it."""
    record_view(viewer, listing)
