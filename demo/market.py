"""The marketplace side of the demo community: what people sell, ask, offer, buy and review.

The steps register with `demo.people` (see `DemoConfig.ready`) and run after the people, their
friendships and circles exist. Like the social steps they are deterministic (a fixed random
seed over the fixed roster and the graph the database holds) and idempotent at a coarse grain:
each step seeds its part once and skips when the demo people already have such data, so a
presenter's sales, withdrawals and deleted reviews survive a restart.

Everything is planned in Python and written in bulk, a few queries per kind of row instead of
thousands of service calls, keeping what the services keep:

- a listing sits near its seller's home, in a category that fits the seller's interests, with a
  product model and brand that agree with its category (`listing_create`), and 1–3 photos, each
  with its own files and a thumbnail made by the same `make_thumbnail` as an upload;
- everyone who asks, offers, buys, watches or finds a review helpful may see the thing: the rows
  are written first and the audience policy itself (`visible_to`) says who may see them;
- a reserved listing has exactly one accepted offer; a sold one has one accepted offer and one
  verified purchase at the accepted amount, and the other offers on both were declined when it
  was accepted (`offer_accept`, `sale_complete`); ratings come once per side, after the sale;
- declared purchases are not verified and have no seller or listing (`purchase_declare`);
- one review per person per product, tied to the author's best purchase of it (`review_write`);
  nobody marks their own review helpful.

Dates are spread over the last months: what is on sale now was published within the 60 days a
listing lives, sales happened earlier, reviews came after the purchase.
"""

from __future__ import annotations

import io
import math
import random
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from demo.people import ANNA, BEN, DemoPerson, demo_step, roster
from demo.story import story, tupled
from marketplace.geo import distance_km
from marketplace.models import (
    Brand,
    Category,
    Conversation,
    HelpfulVote,
    Listing,
    ListingAudience,
    ListingPhoto,
    Message,
    Offer,
    ProductModel,
    Purchase,
    Question,
    Rating,
    Review,
    SavedSearch,
    Watch,
)
from marketplace.services.listing_photos import make_thumbnail
from social.audience import Audience
from social.models import Circle, CircleMembership, Friendship, Notification

MARKET_SEED = 20260603
LISTINGS = 150
SALES = 30
RESERVED = 8
WITHDRAWN = 8
DRAFTS = 5
EXPIRED = 3
DECLARED_PURCHASES = 40
REVIEWS = 80
ANNA_LISTINGS, BEN_LISTINGS = 6, 4
MAX_LISTINGS_PER_PERSON = 6
ANNA_FRIENDS_WITH_BIKES = 10  # friends of Anna who own a bike they bought elsewhere and review
BUYER_DISTANCE_KM = 40  # people fetch second-hand things from across town, not across the sea
PHOTO_SIZE = (800, 600)
PHOTO_VARIANTS = 3  # pictures drawn per category, shared out between its listings


# --- What people sell -----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """Something a demo person might sell or have bought; prices in euros (converted)."""

    title: str
    low: int
    high: int
    detail: str
    product: str = ""  # ProductModel slug from the catalog migration
    brand: str = ""  # Brand slug, for things without a product model


MARKET = story("market")


ITEMS: dict[str, tuple[Item, ...]] = {
    slug: tuple(Item(**item) for item in items) for slug, items in MARKET["items"].items()
}
INTEREST_CATEGORIES: dict[str, tuple[str, ...]] = tupled(MARKET["interest_categories"])
EVERYDAY_CATEGORIES = tupled(MARKET["everyday_categories"])
BIKE_CATEGORIES = INTEREST_CATEGORIES["cycling"]

# Currency and rough exchange rate from the euro prices above, per region.
MONEY = {"lyon": ("EUR", 1.0), "bristol": ("GBP", 0.86), "portland": ("USD", 1.08)}

CONDITIONS = {
    Listing.Condition.NEW: 4,
    Listing.Condition.LIKE_NEW: 25,
    Listing.Condition.GOOD: 46,
    Listing.Condition.FAIR: 20,
    Listing.Condition.FOR_PARTS: 5,
}
CONDITION_PRICE = {"new": 1.15, "like_new": 1.05, "good": 0.95, "fair": 0.75, "for_parts": 0.3}
CONDITION_LINES: dict[str, str] = MARKET["condition_lines"]
REPAIRABLE_ROOTS = ("bikes", "electronics", "music")

REASONS = tupled(MARKET["reasons"])
KIDS_REASONS = tupled(MARKET["kids_reasons"])
HANDOVERS = tupled(MARKET["handovers"])

AUDIENCES = {
    ListingAudience.FRIENDS: 30,
    ListingAudience.FOF: 25,
    ListingAudience.NEARBY: 22,
    ListingAudience.PUBLIC: 15,
    ListingAudience.MEMBERS: 3,
    ListingAudience.CIRCLES: 5,
}
NEARBY_RADII = (10, 15, 20, 25, 30)

QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = tupled(MARKET["questions"])
OFFER_MESSAGES = tupled(MARKET["offer_messages"])
BUYER_OPENERS = tupled(MARKET["buyer_openers"])
SELLER_REPLIES = tupled(MARKET["seller_replies"])
BUYER_CLOSERS = tupled(MARKET["buyer_closers"])
RATING_LINES: dict[str, dict[int, tuple[str, ...]]] = {
    side: {int(stars): tupled(lines) for stars, lines in by_stars.items()}
    for side, by_stars in MARKET["rating_lines"].items()
}
REVIEW_LINES: dict[str, dict[str, tuple[str, ...]]] = tupled(MARKET["review_lines"])
REVIEW_TITLES: dict[int, tuple[str, ...]] = {
    int(stars): tupled(titles) for stars, titles in MARKET["review_titles"].items()
}
REVIEW_AUDIENCES = {
    Audience.FRIENDS: 40,
    Audience.FOF: 25,
    Audience.PUBLIC: 30,
    Audience.MEMBERS: 5,
}

# Saved searches for Anna and Ben: (query, category slug, max price, radius km).
SAVED_SEARCHES = {
    ANNA.email: (("gravel", "gravel-bikes", 1000, 25), ("panniers", "", None, 15)),
    BEN.email: (("", "climbing", None, 20), ("camera", "", 700, 30)),
}
OTHER_SAVED_SEARCHES = 8
WATCHES = {ANNA.email: 4, BEN.email: 3}
OTHER_WATCHES = 20


# --- The community as the database has it ---------------------------------------------------


@dataclass
class Community:
    """The demo people, their homes, friends and circles, read once. Who may see what is asked
    of the audience policy (`seeing`)."""

    users: dict[int, User]
    people: dict[int, DemoPerson]
    homes: dict[int, tuple[float, float]]
    friends: dict[int, set[int]]
    circles_of: dict[int, list[int]]
    ids: list[int]  # everyone's id, in roster order (ids differ between databases, order not)

    def by_email(self, email: str) -> User | None:
        return next((u for u in self.users.values() if u.email == email), None)

    def seeing(self, model, rows) -> dict[int, set[int]]:
        """For each of `rows` (saved), the demo people other than its owner who may see it: the
        audience policy itself (`visible_to`), one query per person."""
        owner = model.owner_field
        pks = [row.pk for row in rows]
        seen: dict[int, set[int]] = defaultdict(set)
        for viewer in self.ids:
            visible = model.objects.filter(pk__in=pks).visible_to(self.users[viewer])
            for pk in visible.exclude(**{f"{owner}_id": viewer}).values_list("pk", flat=True):
                seen[pk].add(viewer)
        return seen

    def close_to(self, viewer: int, point: tuple[float, float]) -> bool:
        home = self.homes.get(viewer)
        return home is not None and distance_km(*point, *home) <= BUYER_DISTANCE_KM


def _community() -> Community:
    emails = {person.email: person for person in roster()}
    users = {
        user.pk: user
        for user in User.objects.filter(email__in=emails, is_active=True).select_related("profile")
    }
    people = {pk: emails[user.email] for pk, user in users.items()}
    homes = {}
    for pk, user in users.items():
        profile = getattr(user, "profile", None)
        if profile is not None and profile.has_home:
            homes[pk] = (float(profile.home_latitude), float(profile.home_longitude))
        elif people[pk].latitude is not None:
            homes[pk] = (float(people[pk].latitude), float(people[pk].longitude))
    friends: dict[int, set[int]] = defaultdict(set)
    for user_id, friend_id in Friendship.objects.filter(
        user_id__in=users, friend_id__in=users
    ).values_list("user_id", "friend_id"):
        friends[user_id].add(friend_id)
    circle_members: dict[int, set[int]] = defaultdict(set)
    for circle_id, member_id in CircleMembership.objects.filter(
        circle__owner_id__in=users
    ).values_list("circle_id", "member_id"):
        circle_members[circle_id].add(member_id)
    circles_of: dict[int, list[int]] = defaultdict(list)
    for circle_id, owner_id in (
        Circle.objects.filter(pk__in=circle_members).order_by("pk").values_list("pk", "owner_id")
    ):
        circles_of[owner_id].append(circle_id)
    order = {person.email: i for i, person in enumerate(roster())}
    ids = sorted(users, key=lambda pk: order[users[pk].email])
    return Community(users, people, homes, friends, circles_of, ids)


@dataclass(frozen=True)
class Catalog:
    categories: dict[str, Category]
    roots: dict[int, str]  # category id -> slug of its root
    products: dict[str, ProductModel]
    brands: dict[str, Brand]

    def root_of(self, category_id: int) -> str:
        return self.roots.get(category_id, "")


def _catalog() -> Catalog:
    categories = {c.slug: c for c in Category.objects.all()}
    by_id = {c.pk: c for c in categories.values()}
    roots = {}
    for category in categories.values():
        node, seen = category, set()
        while node.parent_id and node.parent_id in by_id and node.pk not in seen:
            seen.add(node.pk)
            node = by_id[node.parent_id]
        roots[category.pk] = node.slug
    products = {p.slug: p for p in ProductModel.objects.select_related("brand", "category")}
    brands = {b.slug: b for b in Brand.objects.all()}
    return Catalog(categories, roots, products, brands)


def _usable_items(catalog: Catalog, slug: str) -> list[Item]:
    """The items of a category the catalog has, with product models that still exist."""
    if slug not in catalog.categories:
        return []
    return [
        item for item in ITEMS.get(slug, ()) if not item.product or item.product in catalog.products
    ]


def _categories_for(person: DemoPerson) -> list[str]:
    slugs: list[str] = []
    for interest in person.interests:
        slugs += [s for s in INTEREST_CATEGORIES.get(interest, ()) if s not in slugs]
    return slugs


# --- Small helpers --------------------------------------------------------------------------


def _money(person: DemoPerson) -> tuple[str, float]:
    return MONEY.get(person.region, MONEY["lyon"])


def _round_price(value: float) -> Decimal:
    step = 1 if value < 20 else 5 if value < 200 else 10
    return Decimal(max(step, round(value / step) * step))


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _jittered(rng: random.Random, home: tuple[float, float]) -> tuple[Decimal, Decimal]:
    """A point 0.2–2.5 km from a home (which is itself within ~1.5 km of the person's place)."""
    distance, bearing = rng.uniform(0.2, 2.5), rng.uniform(0, 2 * math.pi)
    lat = home[0] + distance / 111.2 * math.cos(bearing)
    lng = home[1] + distance / (111.2 * math.cos(math.radians(home[0]))) * math.sin(bearing)
    return Decimal(f"{lat:.5f}"), Decimal(f"{lng:.5f}")


def _point(listing: Listing) -> tuple[float, float]:
    return float(listing.latitude), float(listing.longitude)


def _find_viewers(community: Community, plans: list[PlannedListing]) -> None:
    """Each listing's viewers: demo people other than the seller who may see it and live close
    enough to fetch it, in a fixed order."""
    seen = community.seeing(Listing, [plan.listing for plan in plans])
    for plan in plans:
        point = _point(plan.listing)
        plan.viewers = [
            pk
            for pk in community.ids
            if pk in seen[plan.listing.pk] and community.close_to(pk, point)
        ]


def _restamp(model, rows: list, stamps: dict[str, list[datetime]]) -> None:
    """Put real dates on rows whose auto_now(_add) fields the insert stamped with "now"."""
    for name, values in stamps.items():
        for row, value in zip(rows, values, strict=True):
            setattr(row, name, value)
    model.objects.bulk_update(rows, list(stamps), batch_size=200)


# --- Listings, photos, questions, offers, sales ---------------------------------------------


@dataclass
class PlannedListing:
    listing: Listing
    item: Item
    circles: tuple[int, ...] = ()
    viewers: list[int] = field(default_factory=list)
    photos: int = 1
    created: datetime | None = None
    updated: datetime | None = None


@demo_step
def seed_listings() -> str:
    """About a hundred and fifty listings with photos, and the questions, offers and sales that
    happened on them."""
    community = _community()
    existing = Listing.objects.filter(seller_id__in=community.ids)
    if existing.exists():
        return f"Listings: {existing.count()} (already seeded, 0 new)"
    if not community.users:
        return "Listings: 0 (nobody to sell anything)"
    rng = random.Random(MARKET_SEED)
    catalog = _catalog()
    now = timezone.now()
    plans = _plan_listings(rng, community, catalog)
    if not plans:
        return "Listings: 0 (the catalog is empty)"
    _insert_listings(plans)
    _find_viewers(community, plans)
    _plan_statuses(rng, plans, now)
    deals = [_plan_deal(rng, plan, community, now) for plan in plans]
    _date_listings(plans)
    photos = _write_photos(rng, plans, catalog)
    questions = _write_questions(rng, plans, catalog, now)
    offers, sales, ratings = _write_deals(deals, community)
    states = Counter(plan.listing.status for plan in plans)
    summary = ", ".join(f"{states[s]} {Listing.Status(s).label.lower()}" for s in Listing.Status)
    sellers = len({plan.listing.seller_id for plan in plans})
    return (
        f"Listings: {len(plans)} by {sellers} people ({summary}), {photos} photos, "
        f"{questions} questions, {offers} offers, {sales} sales with {ratings} ratings "
        f"({len(plans)} new)"
    )


def _plan_listings(
    rng: random.Random, community: Community, catalog: Catalog
) -> list[PlannedListing]:
    """Who sells what, where, for how much and for whom."""
    sellers = [pk for pk in community.ids if pk in community.homes]
    if not sellers:
        return []
    counts: Counter[int] = Counter()
    fixed = {ANNA.email: ANNA_LISTINGS, BEN.email: BEN_LISTINGS}
    for pk in sellers:
        if community.users[pk].email in fixed:
            counts[pk] = fixed[community.users[pk].email]
    others = [pk for pk in sellers if pk not in counts]
    weights = [
        len(_categories_for(community.people[pk])) * rng.uniform(0.6, 1.4) + 1 for pk in others
    ]
    while others and sum(counts.values()) < LISTINGS:
        pk = rng.choices(others, weights=weights)[0]
        if counts[pk] < MAX_LISTINGS_PER_PERSON:
            counts[pk] += 1
        elif all(counts[o] >= MAX_LISTINGS_PER_PERSON for o in others):
            break

    plans: list[PlannedListing] = []
    for pk in sellers:
        person, used = community.people[pk], set()
        for _ in range(counts[pk]):
            chosen = _pick_item(rng, person, catalog, used)
            if chosen is None:
                break
            slug, item = chosen
            used.add(item.title)
            plans.append(_plan_one(rng, community, catalog, pk, slug, item))
    return plans


def _pick_item(
    rng: random.Random, person: DemoPerson, catalog: Catalog, used: set[str]
) -> tuple[str, Item] | None:
    own = _categories_for(person)
    for _attempt in range(12):
        if person.email == ANNA.email and rng.random() < 0.85:
            slug = rng.choice(BIKE_CATEGORIES)
        elif own and rng.random() < 0.8:
            slug = rng.choice(own)
        else:
            slug = rng.choice(EVERYDAY_CATEGORIES)
        items = [item for item in _usable_items(catalog, slug) if item.title not in used]
        if items:
            return slug, rng.choice(items)
    return None


def _plan_one(
    rng: random.Random, community: Community, catalog: Catalog, pk: int, slug: str, item: Item
) -> PlannedListing:
    person = community.people[pk]
    category = catalog.categories[slug]
    root = catalog.root_of(category.pk)
    product = catalog.products.get(item.product) if item.product else None
    brand = product.brand if product else catalog.brands.get(item.brand)
    condition = _pick(rng, CONDITIONS)
    if condition == Listing.Condition.FOR_PARTS and root not in REPAIRABLE_ROOTS:
        condition = Listing.Condition.FAIR
    currency, rate = _money(person)
    price = _round_price(rng.uniform(item.low, item.high) * rate * CONDITION_PRICE[condition])
    place = person.place or "Town centre"
    reasons = KIDS_REASONS if root == "kids" or slug == "kids-bikes" else REASONS
    description = " ".join(
        (
            item.detail,
            CONDITION_LINES[condition],
            rng.choice(reasons),
            rng.choice(HANDOVERS).format(place=place.split(",")[0]),
        )
    )
    audience = _pick(rng, AUDIENCES)
    circles: tuple[int, ...] = ()
    if audience == ListingAudience.CIRCLES:
        own = community.circles_of.get(pk, [])
        if own:
            circles = tuple(sorted(rng.sample(own, min(len(own), rng.randint(1, 2)))))
        else:
            audience = ListingAudience.FRIENDS
    latitude, longitude = _jittered(rng, community.homes[pk])
    listing = Listing(
        seller_id=pk,
        title=item.title,
        description=description,
        category=category,
        product_model=product,
        brand=brand,
        condition=condition,
        price=price,
        currency=currency,
        place=place,
        latitude=latitude,
        longitude=longitude,
        audience=audience,
        nearby_radius_km=rng.choice(NEARBY_RADII) if audience == ListingAudience.NEARBY else 10,
    )
    return PlannedListing(listing, item, circles, photos=rng.choices([1, 2, 3], [3, 4, 3])[0])


def _plan_statuses(rng: random.Random, plans: list[PlannedListing], now: datetime) -> None:
    """Sold and reserved listings need someone who could buy them; sales favour things with a
    product model, so buyers have something to review. Then the dates of each life."""
    Status = Listing.Status
    order = list(range(len(plans)))
    rng.shuffle(order)
    buyable = [i for i in order if plans[i].viewers]
    weights = [3 if plans[i].listing.product_model_id else 1 for i in buyable]
    sold: set[int] = set()
    while buyable and len(sold) < min(SALES, len(buyable)):
        sold.add(rng.choices(buyable, weights=weights)[0])
    rest = [i for i in buyable if i not in sold]
    reserved = set(rest[:RESERVED])
    rest = [i for i in order if i not in sold and i not in reserved]
    drafts = set(rest[:DRAFTS])
    withdrawn = set(rest[DRAFTS : DRAFTS + WITHDRAWN])
    expired = set(rest[DRAFTS + WITHDRAWN : DRAFTS + WITHDRAWN + EXPIRED])
    day = timedelta(days=1)
    for i, plan in enumerate(plans):
        listing = plan.listing
        if i in sold:
            listing.status, published = Status.SOLD, now - day * rng.uniform(30, 170)
        elif i in reserved:
            listing.status, published = Status.RESERVED, now - day * rng.uniform(3, 50)
        elif i in drafts:
            listing.status, published = Status.DRAFT, None
        elif i in withdrawn:
            listing.status, published = Status.WITHDRAWN, now - day * rng.uniform(15, 150)
        elif i in expired:
            listing.status, published = Status.EXPIRED, now - day * rng.uniform(62, 120)
        else:
            listing.status, published = Status.ACTIVE, now - day * rng.uniform(0.2, 55)
        listing.published_at = published
        plan.created = (published or now - day * rng.uniform(0.5, 20)) - timedelta(
            minutes=rng.randint(5, 600)
        )
        if listing.status == Status.WITHDRAWN:
            plan.updated = _between(rng, published + day, min(now, published + 40 * day))
        elif listing.status == Status.EXPIRED:
            plan.updated = published + 60 * day + timedelta(minutes=rng.randint(1, 59))
        else:
            plan.updated = published or plan.created


def _insert_listings(plans: list[PlannedListing]) -> None:
    """The listings and their circles, before their lives are planned: who may see a listing is
    then asked of the audience policy itself."""
    Listing.objects.bulk_create([plan.listing for plan in plans], batch_size=200)
    Listing.circles.through.objects.bulk_create(
        [
            Listing.circles.through(listing_id=plan.listing.pk, circle_id=circle_id)
            for plan in plans
            for circle_id in plan.circles
        ]
    )


def _date_listings(plans: list[PlannedListing]) -> None:
    """What was planned after the insert (each listing's state, sale and dates), written back:
    every field, so nothing planned is left behind."""
    for plan in plans:
        plan.listing.created_at, plan.listing.updated_at = plan.created, plan.updated
    fields = [field.name for field in Listing._meta.concrete_fields if not field.primary_key]
    Listing.objects.bulk_update([plan.listing for plan in plans], fields, batch_size=200)


def _write_photos(rng: random.Random, plans: list[PlannedListing], catalog: Catalog) -> int:
    """1–3 photos per listing, each with its own files (deleting one photo never takes another
    listing's picture with it), drawn once per category and variant."""
    photos = []
    for plan in plans:
        category = plan.listing.category
        first = rng.randrange(PHOTO_VARIANTS)
        for position in range(plan.photos):
            variant = (first + position) % PHOTO_VARIANTS
            image, thumbnail = _picture(
                category.slug,
                CAPTIONS.get(category.slug, category.name),
                catalog.root_of(category.pk),
                variant,
            )
            photo = ListingPhoto(listing=plan.listing, position=position)
            photo.image.save("photo.jpg", ContentFile(image), save=False)
            photo.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail), save=False)
            photos.append(photo)
    ListingPhoto.objects.bulk_create(photos, batch_size=200)
    return len(photos)


def _write_questions(
    rng: random.Random, plans: list[PlannedListing], catalog: Catalog, now: datetime
) -> int:
    """Public questions on about a third of the listings that were on sale, most answered."""
    Status = Listing.Status
    rows: list[tuple[Question, datetime]] = []
    for plan in plans:
        listing = plan.listing
        if listing.status not in (Status.ACTIVE, Status.RESERVED, Status.SOLD) or not plan.viewers:
            continue
        if rng.random() > 0.35:
            continue
        root = catalog.root_of(listing.category_id)
        pool = QUESTIONS.get(root, ()) + QUESTIONS[""]
        until = min(listing.sold_at or now, listing.published_at + timedelta(days=10))
        askers = rng.sample(plan.viewers, min(len(plan.viewers), rng.choices([1, 2], [3, 1])[0]))
        for asker, (text, answer) in zip(askers, rng.sample(pool, len(askers)), strict=True):
            asked = _between(rng, listing.published_at, until)
            answered = None
            if listing.status == Status.SOLD or rng.random() < 0.8:
                answered = min(now, asked + timedelta(minutes=rng.randint(20, 36 * 60)))
            question = Question(
                listing=listing,
                asker_id=asker,
                text=text,
                answer=answer if answered else "",
                answered_at=answered,
            )
            rows.append((question, asked))
    questions = Question.objects.bulk_create([q for q, _ in rows], batch_size=200)
    _restamp(Question, questions, {"created_at": [when for _, when in rows]})
    return len(questions)


@dataclass
class Deal:
    """Offers, a conversation and perhaps a sale on one listing, planned before writing."""

    offers: list[tuple[Offer, datetime]] = field(default_factory=list)
    threads: list[tuple[Conversation, list[tuple[Message, datetime]]]] = field(default_factory=list)
    purchase: Purchase | None = None
    ratings: list[tuple[Rating, datetime]] = field(default_factory=list)


def _write_deals(deals: list[Deal], community: Community) -> tuple[int, int, int]:
    """Offers on a good part of the listings; on reserved and sold ones exactly one accepted
    (the rest declined at that moment); a verified purchase and ratings for every sale."""
    offers = [(offer, when) for deal in deals for offer, when in deal.offers]
    written = Offer.objects.bulk_create([offer for offer, _ in offers], batch_size=200)
    _restamp(Offer, written, {"created_at": [when for _, when in offers]})

    threads = [thread for deal in deals for thread in deal.threads]
    conversations = Conversation.objects.bulk_create([c for c, _ in threads], batch_size=200)
    for conversation, messages in threads:
        for message, _ in messages:
            message.conversation = conversation
    _restamp(
        Conversation,
        conversations,
        {
            "created_at": [messages[0][1] for _, messages in threads],
            "updated_at": [messages[-1][1] for _, messages in threads],
        },
    )
    messages = [pair for _, thread in threads for pair in thread]
    written_messages = Message.objects.bulk_create([m for m, _ in messages], batch_size=200)
    _restamp(Message, written_messages, {"created_at": [when for _, when in messages]})

    purchases = [deal.purchase for deal in deals if deal.purchase is not None]
    Purchase.objects.bulk_create(purchases, batch_size=200)
    ratings = []
    for deal in deals:
        for rating, when in deal.ratings:
            rating.purchase = deal.purchase
            ratings.append((rating, when))
    written_ratings = Rating.objects.bulk_create([r for r, _ in ratings], batch_size=200)
    _restamp(Rating, written_ratings, {"created_at": [when for _, when in ratings]})

    _notify_open_offers(offers, community)
    return len(offers), len(purchases), len(ratings)


def _plan_deal(
    rng: random.Random, plan: PlannedListing, community: Community, now: datetime
) -> Deal:
    Status = Listing.Status
    listing, deal = plan.listing, Deal()
    if listing.status == Status.DRAFT or not plan.viewers:
        return deal
    people = community.people
    seller = listing.seller_id
    weights = [
        3
        if pk in community.friends[seller]
        else 2
        if people[pk].region == people[seller].region
        else 1
        for pk in plan.viewers
    ]
    published = listing.published_at
    hour = timedelta(hours=1)

    def offer(buyer: int, share: tuple[float, float], status: str, made: datetime, answered):
        amount = _round_price(float(listing.price) * rng.uniform(*share))
        amount = min(amount, listing.price)
        row = Offer(
            listing=listing,
            buyer_id=buyer,
            amount=amount,
            message=rng.choice(OFFER_MESSAGES),
            status=status,
            responded_at=answered,
        )
        deal.offers.append((row, made))
        return row

    if listing.status in (Status.SOLD, Status.RESERVED):
        buyer = rng.choices(plan.viewers, weights=weights)[0]
        latest = (
            now - 2 * hour if listing.status == Status.RESERVED else published + timedelta(days=12)
        )
        accepted_at = _between(rng, published + 6 * hour, latest)
        made = _between(rng, published + hour, accepted_at - hour)
        winner = offer(buyer, (0.85, 1.0), Offer.Status.ACCEPTED, made, accepted_at)
        others = [pk for pk in plan.viewers if pk != buyer]
        for loser in rng.sample(others, min(len(others), rng.choices([0, 1, 2], [4, 3, 1])[0])):
            made_too = _between(rng, published + hour, accepted_at - hour)
            offer(loser, (0.6, 0.85), Offer.Status.DECLINED, made_too, accepted_at)
        deal.threads.append(
            _thread(rng, listing, buyer, made - hour, accepted_at, now, closing=True)
        )
        plan.updated = accepted_at
        if listing.status == Status.SOLD:
            sold_at = min(now - hour, accepted_at + timedelta(hours=rng.uniform(6, 96)))
            listing.sold_at = plan.updated = sold_at
            deal.purchase = Purchase(
                buyer_id=buyer,
                seller_id=seller,
                listing=listing,
                product_model=listing.product_model,
                category=listing.category,
                brand=listing.brand,
                description=listing.title[:200],
                price=winner.amount,
                currency=listing.currency,
                verified=True,
                purchased_on=timezone.localdate(sold_at),
            )
            for side, rater, ratee, chance in (
                ("buyer", buyer, seller, 0.9),
                ("seller", seller, buyer, 0.8),
            ):
                if rng.random() < chance:
                    stars = rng.choices([5, 4, 3], [7, 3, 1])[0]
                    rated = min(now, sold_at + timedelta(hours=rng.uniform(2, 120)))
                    line = rng.choice(RATING_LINES[side][stars])
                    row = Rating(rater_id=rater, ratee_id=ratee, stars=stars, line=line)
                    deal.ratings.append((row, rated))
    elif listing.status in (Status.ACTIVE, Status.WITHDRAWN) and rng.random() < 0.4:
        until = now if listing.status == Status.ACTIVE else plan.updated
        count = min(len(plan.viewers), rng.choices([1, 2, 3], [5, 3, 1])[0])
        for buyer in rng.sample(plan.viewers, count):
            made = _between(rng, published + hour, until - hour)
            if listing.status == Status.ACTIVE and rng.random() < 0.7:
                offer(buyer, (0.7, 0.95), Offer.Status.OPEN, made, None)
                deal.threads.append(_thread(rng, listing, buyer, made - hour, None, now))
            else:
                answered = min(until, made + timedelta(hours=rng.uniform(1, 48)))
                offer(buyer, (0.5, 0.75), Offer.Status.DECLINED, made, answered)
    return deal


def _thread(
    rng: random.Random,
    listing: Listing,
    buyer: int,
    start: datetime,
    agreed: datetime | None,
    now: datetime,
    *,
    closing: bool = False,
) -> tuple[Conversation, list[tuple[Message, datetime]]]:
    """The buyer writes first, the seller answers; after an agreement the buyer confirms."""
    start = max(start, listing.published_at)
    reply_at = min(now, start + timedelta(minutes=rng.randint(15, 8 * 60)))
    lines = [
        (buyer, rng.choice(BUYER_OPENERS).format(title=listing.title), start),
        (
            listing.seller_id,
            rng.choice(SELLER_REPLIES).format(place=listing.place.split(",")[0]),
            reply_at,
        ),
    ]
    if closing and agreed is not None:
        lines.append((buyer, rng.choice(BUYER_CLOSERS), max(reply_at, agreed)))
    recent = now - timedelta(days=1)
    messages = [
        (
            Message(
                sender_id=sender,
                text=text,
                read_at=when + timedelta(minutes=30) if when < recent else None,
            ),
            when,
        )
        for sender, text, when in lines
    ]
    return Conversation(listing=listing, buyer_id=buyer), messages


def _notify_open_offers(offers: list[tuple[Offer, datetime]], community: Community) -> None:
    """The notice `offer_make` leaves the seller, for the offers still waiting for an answer."""
    url = reverse("marketplace:deals_offers_received")
    waiting = [(offer, when) for offer, when in offers if offer.status == Offer.Status.OPEN]
    notes = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=offer.listing.seller_id,
                kind="market_offer",
                actor_id=offer.buyer_id,
                text=(
                    f"{community.users[offer.buyer_id].display_name} offered {offer.amount} "
                    f"{offer.listing.currency} for “{offer.listing.title}”."
                )[:300],
                url=url,
            )
            for offer, _ in waiting
        ]
    )
    _restamp(Notification, notes, {"created_at": [when for _, when in waiting]})


# --- Photos ---------------------------------------------------------------------------------

# (background, ink) pairs with enough contrast for the drawing and the caption.
PALETTES = (
    ("#dbeafe", "#1e3a8a"),
    ("#dcfce7", "#14532d"),
    ("#fee2e2", "#7f1d1d"),
    ("#fef3c7", "#78350f"),
    ("#ede9fe", "#4c1d95"),
    ("#cffafe", "#164e63"),
    ("#fce7f3", "#831843"),
)


CAPTIONS = {"women": "Women's clothing", "men": "Men's clothing"}


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@cache
def _picture(slug: str, name: str, root: str, variant: int) -> tuple[bytes, bytes]:
    """A JPEG of a simple drawing for the category (a bike, a screen, a sofa…) with its name,
    and its thumbnail; the same bytes for every call with the same arguments."""
    background, ink = PALETTES[(zlib.crc32(slug.encode()) + 3 * variant) % len(PALETTES)]
    image = Image.new("RGB", PHOTO_SIZE, background)
    draw = ImageDraw.Draw(image)
    width, height = PHOTO_SIZE
    draw.rectangle((0, height - 110, width, height), fill=ink)
    shift = (variant - 1) * 60
    DRAWINGS.get(slug, DRAWINGS.get(root, _draw_tag))(draw, ink, background, shift)
    draw.text((40, 36), name, fill=ink, font=_font(46))
    draw.text((width - 40, height - 55), "demo photo", fill=background, font=_font(26), anchor="rm")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    picture = out.getvalue()
    thumbnail = make_thumbnail(ContentFile(picture, name="photo.jpg"))
    return picture, thumbnail.read()


def _draw_bike(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    rear, front, radius = (250 + dx, 380), (550 + dx, 380), 105
    for x, y in (rear, front):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=ink, width=12)
    crank, seat, head = (390 + dx, 380), (340 + dx, 250), (520 + dx, 245)
    for a, b in ((rear, crank), (crank, seat), (seat, rear), (crank, head), (seat, head)):
        draw.line((a, b), fill=ink, width=12)
    draw.line((head, front), fill=ink, width=12)
    draw.line(((325 + dx, 215), seat), fill=ink, width=10)
    draw.line(((295 + dx, 212), (360 + dx, 212)), fill=ink, width=14)
    draw.line((head, (515 + dx, 205), (565 + dx, 200)), fill=ink, width=10)


def _draw_screen(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.rounded_rectangle((230 + dx, 170, 570 + dx, 410), radius=22, fill=ink)
    draw.rounded_rectangle((250 + dx, 190, 550 + dx, 390), radius=10, fill=bg)
    draw.polygon([(190 + dx, 410), (610 + dx, 410), (650 + dx, 450), (150 + dx, 450)], fill=ink)


def _draw_sofa(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.rounded_rectangle((220 + dx, 220, 580 + dx, 340), radius=20, fill=ink)
    draw.rounded_rectangle((200 + dx, 320, 600 + dx, 420), radius=16, fill=ink)
    for x in (170 + dx, 570 + dx):
        draw.rounded_rectangle((x, 280, x + 60, 430), radius=18, fill=ink)
    for x in (215 + dx, 565 + dx):
        draw.rectangle((x, 420, x + 20, 470), fill=ink)


def _draw_shirt(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    points = [
        (300, 180), (360, 160), (440, 160), (500, 180), (590, 250), (545, 300),
        (500, 270), (500, 460), (300, 460), (300, 270), (255, 300), (210, 250),
    ]  # fmt: skip
    draw.polygon([(x + dx, y) for x, y in points], fill=ink)
    draw.arc((360 + dx, 130, 440 + dx, 200), 0, 180, fill=bg, width=10)


def _draw_pram(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.pieslice((260 + dx, 180, 480 + dx, 400), 180, 270, fill=ink)
    draw.rounded_rectangle((260 + dx, 290, 520 + dx, 380), radius=30, fill=ink)
    draw.line(((515 + dx, 300), (600 + dx, 210)), fill=ink, width=12)
    for x in (310 + dx, 480 + dx):
        draw.ellipse((x - 38, 402, x + 38, 478), outline=ink, width=12)


def _draw_phone(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.rounded_rectangle((320 + dx, 150, 480 + dx, 460), radius=28, fill=ink)
    draw.rounded_rectangle((335 + dx, 185, 465 + dx, 420), radius=8, fill=bg)
    draw.ellipse((390 + dx, 428, 410 + dx, 448), fill=bg)


def _draw_books(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    for i, (left, right) in enumerate(((240, 560), (270, 540), (220, 580), (290, 520))):
        top = 400 - i * 62
        draw.rounded_rectangle((left + dx, top, right + dx, top + 52), radius=6, fill=ink)
        draw.line(((left + 30 + dx, top + 26), (right - 30 + dx, top + 26)), fill=bg, width=4)


def _draw_mountains(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.ellipse((560 + dx, 120, 640 + dx, 200), fill=ink)
    draw.polygon(
        [(150 + dx, 490), (330 + dx, 210), (430 + dx, 340), (510 + dx, 250), (680 + dx, 490)],
        fill=ink,
    )


def _draw_notes(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.ellipse((290 + dx, 370, 380 + dx, 440), fill=ink)
    draw.ellipse((470 + dx, 340, 560 + dx, 410), fill=ink)
    draw.line(((372 + dx, 405), (372 + dx, 200)), fill=ink, width=14)
    draw.line(((552 + dx, 375), (552 + dx, 170)), fill=ink, width=14)
    draw.polygon([(365 + dx, 200), (559 + dx, 170), (559 + dx, 215), (365 + dx, 245)], fill=ink)


def _draw_die(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.rounded_rectangle((280 + dx, 200, 520 + dx, 440), radius=34, fill=ink)
    for x, y in ((340, 260), (460, 260), (400, 320), (340, 380), (460, 380)):
        draw.ellipse((x - 20 + dx, y - 20, x + 20 + dx, y + 20), fill=bg)


def _draw_tag(draw: ImageDraw.ImageDraw, ink: str, bg: str, dx: int) -> None:
    draw.polygon(
        [(260 + dx, 220), (480 + dx, 220), (560 + dx, 320), (480 + dx, 420), (260 + dx, 420)],
        fill=ink,
    )
    draw.ellipse((460 + dx, 300, 500 + dx, 340), fill=bg)


DRAWINGS = {
    "phones": _draw_phone,
    "tablets": _draw_phone,
    "bikes": _draw_bike,
    "electronics": _draw_screen,
    "home": _draw_sofa,
    "clothing": _draw_shirt,
    "kids": _draw_pram,
    "books": _draw_books,
    "sports": _draw_mountains,
    "music": _draw_notes,
    "games": _draw_die,
}


# --- Purchases declared, reviews, helpful votes ---------------------------------------------


@demo_step
def seed_declared_purchases() -> str:
    """About forty things people say they bought elsewhere (not verified): Ben's Trek Marlin 7,
    bikes of Anna's friends, and things that go with everyone's interests."""
    community = _community()
    existing = Purchase.objects.filter(buyer_id__in=community.ids, verified=False)
    if existing.exists():
        return f"Declared purchases: {existing.count()} (already seeded, 0 new)"
    rng = random.Random(MARKET_SEED + 1)
    catalog = _catalog()
    today = timezone.localdate()
    owned = set(
        Purchase.objects.filter(
            buyer_id__in=community.ids, product_model__isnull=False
        ).values_list("buyer_id", "product_model__slug")
    )
    plans: list[tuple[int, str, Item]] = []

    def add(pk: int, slug: str, item: Item) -> bool:
        if (pk, item.product or item.title) in owned:
            return False
        owned.add((pk, item.product or item.title))
        plans.append((pk, slug, item))
        return True

    anna, ben = community.by_email(ANNA.email), community.by_email(BEN.email)
    for person, slug, product in (
        (ben, "mountain-bikes", "trek-marlin-7"),
        (anna, "gravel-bikes", "specialized-diverge"),
        (anna, "cameras", "fujifilm-x-t3"),
    ):
        item = next((i for i in _usable_items(catalog, slug) if i.product == product), None)
        if person is not None and item is not None:
            add(person.pk, slug, item)
    if anna is not None:
        friends = sorted(community.friends[anna.pk] - {getattr(ben, "pk", None)})
        friends.sort(key=lambda pk: "cycling" not in community.people[pk].interests)
        for pk in friends[:ANNA_FRIENDS_WITH_BIKES]:
            for _attempt in range(5):
                slug = rng.choice(BIKE_CATEGORIES[:5])
                bikes = [i for i in _usable_items(catalog, slug) if i.product]
                if bikes and add(pk, slug, rng.choice(bikes)):
                    break
    buyers = community.ids
    for _attempt in range(DECLARED_PURCHASES * 5):
        if len(plans) >= DECLARED_PURCHASES:
            break
        pk = rng.choice(buyers)
        own = _categories_for(community.people[pk]) or list(EVERYDAY_CATEGORIES)
        slug = rng.choice(own)
        items = _usable_items(catalog, slug)
        with_product = [i for i in items if i.product]
        if with_product and rng.random() < 0.85:
            items = with_product
        if items:
            add(pk, slug, rng.choice(items))

    rows = []
    for pk, slug, item in plans:
        person = community.people[pk]
        product = catalog.products.get(item.product) if item.product else None
        currency, rate = _money(person)
        priced = rng.random() < 0.7
        where = rng.choice(("in a shop", "second-hand from a friend", "online", "at a flea market"))
        rows.append(
            Purchase(
                buyer_id=pk,
                product_model=product,
                category=catalog.categories[slug],
                brand=product.brand if product else catalog.brands.get(item.brand),
                description=f"{product or item.title}, bought {where}"[:200],
                price=_round_price(item.high * rate * rng.uniform(1.0, 1.3)) if priced else None,
                currency=currency if priced else "",
                verified=False,
                purchased_on=today - timedelta(days=rng.randint(20, 700)),
            )
        )
    Purchase.objects.bulk_create(rows, batch_size=200)
    buyers_count = len({row.buyer_id for row in rows})
    return f"Declared purchases: {len(rows)} by {buyers_count} people ({len(rows)} new)"


@demo_step
def seed_reviews() -> str:
    """About eighty reviews of product models by people who own them (verified where bought
    here), friends of Anna reviewing their bikes, and helpful votes from those who may read
    them."""
    community = _community()
    existing = Review.objects.filter(author_id__in=community.ids)
    if existing.exists():
        return f"Reviews: {existing.count()} (already seeded, 0 new)"
    rng = random.Random(MARKET_SEED + 2)
    catalog = _catalog()
    now = timezone.now()
    purchases = list(
        Purchase.objects.filter(buyer_id__in=community.ids, product_model__isnull=False)
        .select_related("product_model")
        .order_by("-verified", "-purchased_on", "pk")
    )
    # Like review_write: a review is tied to the author's best purchase of the product.
    best: dict[tuple[int, int], Purchase] = {}
    for purchase in purchases:
        best.setdefault((purchase.buyer_id, purchase.product_model_id), purchase)

    def after(purchase: Purchase) -> datetime:
        bought = datetime.combine(purchase.purchased_on, datetime.min.time(), tzinfo=now.tzinfo)
        when = bought + timedelta(days=rng.uniform(5, 90))
        return max(bought, min(when, now - timedelta(hours=rng.uniform(2, 48))))

    planned: dict[tuple[int, int], tuple[ProductModel, Purchase | None, datetime]] = {}
    for key, purchase in best.items():
        if rng.random() < (0.8 if purchase.verified else 0.9):
            planned[key] = (purchase.product_model, purchase, after(purchase))

    products = sorted(catalog.products.values(), key=lambda p: p.slug)
    bikes = [p for p in products if catalog.root_of(p.category_id) == "bikes"]
    anna = community.by_email(ANNA.email)
    anna_friends = sorted(community.friends[anna.pk]) if anna else []
    for _attempt in range(REVIEWS * 10):
        if len(planned) >= REVIEWS:
            break
        if anna_friends and rng.random() < 0.35:
            pk, pool = rng.choice(anna_friends), bikes
        else:
            pk = rng.choice(community.ids)
            slugs = set(_categories_for(community.people[pk]))
            pool = [p for p in products if p.category.slug in slugs] or products
        if not pool:
            continue
        product = rng.choice(pool)
        if (pk, product.pk) in planned:
            continue
        owned = best.get((pk, product.pk))
        when = after(owned) if owned else now - timedelta(days=rng.uniform(3, 170))
        planned[pk, product.pk] = (product, owned, when)

    reviews, dates = [], []
    for (pk, _), (product, purchase, when) in sorted(planned.items(), key=lambda kv: kv[1][2]):
        reviews.append(_write_review(rng, catalog, pk, product, purchase, when))
        dates.append(when)
    written = Review.objects.bulk_create(reviews, batch_size=200)
    _restamp(Review, written, {"created_at": dates, "updated_at": dates})
    votes = _helpful_votes(rng, community, written, dates, now)
    verified = sum(1 for review in written if review.purchase_id and review.purchase.verified)
    return (
        f"Reviews: {len(written)} of {len({r.product_model_id for r in written})} products "
        f"({verified} verified purchases), {votes} helpful votes ({len(written)} new)"
    )


def _write_review(
    rng: random.Random,
    catalog: Catalog,
    author: int,
    product: ProductModel,
    purchase: Purchase | None,
    when: datetime,
) -> Review:
    rating = rng.choices([5, 4, 3, 2, 1], [40, 35, 15, 7, 3])[0]
    root = catalog.root_of(product.category_id)
    lines = REVIEW_LINES.get(root, REVIEW_LINES[""])
    months = max(1, round((timezone.now() - when).days / 30) + rng.randint(1, 12))
    good = rng.sample(lines["good"], 2 if rating >= 4 else 1)
    bad = rng.sample(lines["bad"], 0 if rating == 5 else 1 if rating >= 3 else 2)
    if purchase is not None and purchase.verified:
        where = "Bought it second-hand here, exactly as described."
    elif purchase is not None:
        where = rng.choice(("Bought it new.", "Got it second-hand from a friend.", ""))
    else:
        where = rng.choice(("Had mine for a couple of years.", "Borrowed one for a season.", ""))
    verdict = (
        "Recommended."
        if rating >= 4
        else "Fine if you find it cheap."
        if rating == 3
        else "Skip it."
    )
    text = " ".join(line for line in (*good, *bad, where, verdict) if line).format(months=months)
    return Review(
        author_id=author,
        product_model=product,
        purchase=purchase,
        rating=rating,
        title=rng.choice(REVIEW_TITLES[rating]),
        text=text,
        would_recommend=rating >= 4 or (rating == 3 and rng.random() < 0.5),
        audience=_pick(rng, REVIEW_AUDIENCES),
    )


def _helpful_votes(
    rng: random.Random, community: Community, reviews: list[Review], dates: list[datetime], now
) -> int:
    """Readers who may see a review (never its author) find some of them helpful; friends of
    the author more often."""
    rows, stamps = [], []
    seen = community.seeing(Review, reviews)
    for review, written in zip(reviews, dates, strict=True):
        author = review.author_id
        readers = [pk for pk in community.ids if pk in seen[review.pk]]
        if not readers:
            continue
        count = min(len(readers), rng.choices([0, 1, 2, 3, 4, 5], [20, 25, 22, 15, 10, 8])[0])
        weights = [3 if pk in community.friends[author] else 1 for pk in readers]
        voters: set[int] = set()
        while len(voters) < count:
            voters.add(rng.choices(readers, weights=weights)[0])
        for voter in sorted(voters):
            rows.append(HelpfulVote(review=review, voter_id=voter))
            stamps.append(_between(rng, written, now))
    votes = HelpfulVote.objects.bulk_create(rows, batch_size=500)
    _restamp(HelpfulVote, votes, {"created_at": stamps})
    return len(votes)


# --- Saved searches and watchlists ----------------------------------------------------------


@demo_step
def seed_watching() -> str:
    """Saved searches (Anna's gravel bike under 1,000 €, Ben's climbing gear, a few others) and
    watchlists of live listings the watchers may see."""
    community = _community()
    ids = community.ids
    searches = SavedSearch.objects.filter(owner_id__in=ids)
    watches = Watch.objects.filter(user_id__in=ids)
    if searches.exists() or watches.exists():
        return (
            f"Saved searches: {searches.count()}, watched listings: {watches.count()} "
            "(already seeded, 0 new)"
        )
    rng = random.Random(MARKET_SEED + 3)
    catalog = _catalog()
    now = timezone.now()

    wanted: list[tuple[int, str, str, int | None, int | None]] = []
    for email, rows in SAVED_SEARCHES.items():
        user = community.by_email(email)
        if user is not None:
            wanted += [(user.pk, *row) for row in rows]
    others = [pk for pk in ids if community.users[pk].email not in SAVED_SEARCHES]
    for pk in rng.sample(others, min(len(others), OTHER_SAVED_SEARCHES)):
        slug = rng.choice(_categories_for(community.people[pk]) or list(EVERYDAY_CATEGORIES))
        items = _usable_items(catalog, slug)
        high = max((item.high for item in items), default=200)
        max_price = rng.choice((None, _round_price(high * 0.8)))
        wanted.append((pk, "", slug, max_price, rng.choice((10, 20, 30))))
    saved = [
        SavedSearch(
            owner_id=pk,
            query=query,
            category=catalog.categories.get(slug),
            max_price=Decimal(max_price) if max_price is not None else None,
            radius_km=radius if pk in community.homes else None,
        )
        for pk, query, slug, max_price, radius in wanted
        if query or slug in catalog.categories
    ]
    saved = SavedSearch.objects.bulk_create(saved)
    _restamp(
        SavedSearch,
        saved,
        {"created_at": [now - timedelta(days=rng.uniform(2, 90)) for _ in saved]},
    )

    live = list(Listing.objects.live().filter(seller_id__in=ids, hidden=False).order_by("pk"))
    watchers = [(community.by_email(email), count) for email, count in WATCHES.items()]
    watchers = [(user.pk, count) for user, count in watchers if user is not None]
    rest = [pk for pk in ids if pk not in {pk for pk, _ in watchers}]
    watchers += [(pk, 1) for pk in rng.choices(rest, k=OTHER_WATCHES)] if rest else []
    viewers = community.seeing(Listing, live)
    rows, stamps, taken = [], [], set()
    for pk, count in watchers:
        seen = [
            listing
            for listing in live
            if pk in viewers[listing.pk] and (pk, listing.pk) not in taken
        ]
        # Anna and Ben keep an eye on things in their own part of town first.
        seen.sort(key=lambda listing: not community.close_to(pk, _point(listing)))
        for listing in rng.sample(seen[: max(count * 4, 8)], min(count, len(seen))):
            taken.add((pk, listing.pk))
            rows.append(Watch(user_id=pk, listing=listing))
            stamps.append(_between(rng, listing.published_at or now, now))
    watched = Watch.objects.bulk_create(rows)
    _restamp(Watch, watched, {"created_at": stamps})
    return (
        f"Saved searches: {len(saved)}, watched listings: {len(watched)} "
        f"({len(saved) + len(watched)} new)"
    )
