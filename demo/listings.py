"""The listings of the demo market: who sells what, where, for how much and for whom, with
photos and the public questions asked on them. The offers and sales on them are planned with
each listing's life (`demo.deals`)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from demo.deals import plan_deal, write_deals
from demo.market import (
    BIKE_CATEGORIES,
    EVERYDAY_CATEGORIES,
    MARKET,
    MARKET_SEED,
    Catalog,
    Community,
    Item,
    PlannedListing,
    between,
    categories_for,
    jittered,
    money_of,
    pick,
    point_of,
    read_catalog,
    read_community,
    round_price,
    usable_items,
)
from demo.people import ANNA, BEN, DemoPerson, demo_step
from demo.pictures import CAPTIONS, picture
from demo.story import tupled
from marketplace.models import (
    Listing,
    ListingAudience,
)
from marketplace.services.listing_lifecycle import ListingMove, listings_transition
from marketplace.services.listing_photos import listing_photos_add
from marketplace.services.listings import NewListing, listings_create
from marketplace.services.questions import NewQuestion, questions_create

LISTINGS = 150
SALES = 30
RESERVED = 8
WITHDRAWN = 8
DRAFTS = 5
EXPIRED = 3
ANNA_LISTINGS, BEN_LISTINGS = 6, 4
MAX_LISTINGS_PER_PERSON = 6
PHOTO_VARIANTS = 3  # pictures drawn per category, shared out between its listings
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


def find_viewers(community: Community, plans: list[PlannedListing]) -> None:
    """Each listing's viewers: demo people other than the seller who may see it and live close
    enough to fetch it, in a fixed order. The audience policy itself says who may see, so the
    listings are written for it to read, then taken back: their lives are planned next."""
    with transaction.atomic():
        drafts = listings_create(listings=[_new_listing(plan) for plan in plans])
        seen = community.seeing(Listing, drafts)
        for plan, draft in zip(plans, drafts, strict=True):
            point = point_of(draft)
            plan.viewers = [
                pk for pk in community.ids if pk in seen[draft.pk] and community.close_to(pk, point)
            ]
        transaction.set_rollback(True)


def _new_listing(plan: PlannedListing, at: datetime | None = None) -> NewListing:
    listing = plan.listing
    return NewListing(
        seller_id=listing.seller_id,
        title=listing.title,
        category=listing.category,
        condition=listing.condition,
        price=listing.price,
        place=listing.place,
        latitude=listing.latitude,
        longitude=listing.longitude,
        description=listing.description,
        product_model=listing.product_model,
        brand=listing.brand,
        currency=listing.currency,
        audience=listing.audience,
        circle_ids=plan.circles,
        nearby_radius_km=listing.nearby_radius_km,
        at=at,
    )


@demo_step
def seed_listings() -> str:
    """About a hundred and fifty listings with photos, and the questions, offers and sales that
    happened on them."""
    community = read_community()
    existing = Listing.objects.filter(seller_id__in=community.ids)
    if existing.exists():
        return f"Listings: {existing.count()} (already seeded, 0 new)"
    if not community.users:
        return "Listings: 0 (nobody to sell anything)"
    rng = random.Random(MARKET_SEED)
    catalog = read_catalog()
    now = timezone.now()
    plans = _plan_listings(rng, community, catalog)
    if not plans:
        return "Listings: 0 (the catalog is empty)"
    find_viewers(community, plans)
    _plan_statuses(rng, plans, now)
    _insert_listings(plans)
    deals = [plan_deal(rng, plan, community, now) for plan in plans]
    photos = _write_photos(rng, plans, catalog)
    listings_transition(moves=[move for plan in plans for move in _publishing(plan)])
    questions = _write_questions(rng, plans, catalog, now)
    offers, sales, ratings = write_deals(deals)
    listings_transition(moves=[move for plan in plans for move in _life(plan)])
    states = Counter(plan.status for plan in plans)
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
        len(categories_for(community.people[pk])) * rng.uniform(0.6, 1.4) + 1 for pk in others
    ]
    while others and sum(counts.values()) < LISTINGS:
        pk = rng.choices(others, weights=weights)[0]
        if counts[pk] < MAX_LISTINGS_PER_PERSON:
            counts[pk] += 1
        elif all(counts[o] >= MAX_LISTINGS_PER_PERSON for o in others):
            break

    plans: list[PlannedListing] = []
    for pk in sellers:
        person, used = community.people[pk], set[str]()
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
    own = categories_for(person)
    for _attempt in range(12):
        if person.email == ANNA.email and rng.random() < 0.85:
            slug = rng.choice(BIKE_CATEGORIES)
        elif own and rng.random() < 0.8:
            slug = rng.choice(own)
        else:
            slug = rng.choice(EVERYDAY_CATEGORIES)
        items = [item for item in usable_items(catalog, slug) if item.title not in used]
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
    condition = pick(rng, CONDITIONS)
    if condition == Listing.Condition.FOR_PARTS and root not in REPAIRABLE_ROOTS:
        condition = Listing.Condition.FAIR
    currency, rate = money_of(person)
    price = round_price(rng.uniform(item.low, item.high) * rate * CONDITION_PRICE[condition])
    place = person.place or "Town centre"  # the neighbourhood, told in the description
    reasons = KIDS_REASONS if root == "kids" or slug == "kids-bikes" else REASONS
    description = " ".join(
        (
            item.detail,
            CONDITION_LINES[condition],
            rng.choice(reasons),
            rng.choice(HANDOVERS).format(place=place.split(",")[0]),
        )
    )
    audience = pick(rng, AUDIENCES)
    circles: tuple[int, ...] = ()
    if audience == ListingAudience.CIRCLES:
        own = community.circles_of.get(pk, [])
        if own:
            circles = tuple(sorted(rng.sample(own, min(len(own), rng.randint(1, 2)))))
        else:
            audience = ListingAudience.FRIENDS
    latitude, longitude = jittered(rng, community.homes[pk])
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
        place=person.town or place,  # the town, as a place field names it
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
        if published is None:
            plan.updated = plan.created
        elif listing.status == Status.WITHDRAWN:
            plan.updated = between(rng, published + day, min(now, published + 40 * day))
        elif listing.status == Status.EXPIRED:
            plan.updated = published + 60 * day + timedelta(minutes=rng.randint(1, 59))
        else:
            plan.updated = published


def _insert_listings(plans: list[PlannedListing]) -> None:
    """The listings as drafts written when planned, in place of the plans' unsaved rows; each
    keeps its planned status (`plan.status`) and publication for the deals to read."""
    written = listings_create(listings=[_new_listing(plan, plan.created) for plan in plans])
    for plan, listing in zip(plans, written, strict=True):
        plan.status = listing.status = plan.listing.status
        listing.published_at = plan.listing.published_at
        plan.listing = listing


def _publishing(plan: PlannedListing) -> list[ListingMove]:
    published = plan.listing.published_at
    if plan.status == Listing.Status.DRAFT or published is None:
        return []
    return [ListingMove(plan.listing, Listing.Status.ACTIVE, published)]


def _life(plan: PlannedListing) -> list[ListingMove]:
    """The moves after publication and deals (an accepted offer reserved it, a sale sold it):
    withdrawn, or expired."""
    Status = Listing.Status
    listing, status = plan.listing, plan.status
    if status in (Status.WITHDRAWN, Status.EXPIRED):
        return [ListingMove(listing, status, plan.updated)]
    return []


def _write_photos(rng: random.Random, plans: list[PlannedListing], catalog: Catalog) -> int:
    """1–3 photos per listing, each with its own files (deleting one photo never takes another
    listing's picture with it), drawn once per category and variant."""
    photos: list[tuple[Listing, File[bytes]]] = []
    for plan in plans:
        category = plan.listing.category
        first = rng.randrange(PHOTO_VARIANTS)
        for position in range(plan.photos):
            variant = (first + position) % PHOTO_VARIANTS
            image = picture(
                category.slug,
                CAPTIONS.get(category.slug, category.name),
                catalog.root_of(category.pk),
                variant,
            )
            photos.append((plan.listing, ContentFile(image, name="photo.jpg")))
    return len(listing_photos_add(photos=photos))


def _write_questions(
    rng: random.Random, plans: list[PlannedListing], catalog: Catalog, now: datetime
) -> int:
    """Public questions on about a third of the listings that were on sale, most answered."""
    Status = Listing.Status
    rows: list[NewQuestion] = []
    for plan in plans:
        listing = plan.listing
        if plan.status not in (Status.ACTIVE, Status.RESERVED, Status.SOLD) or not plan.viewers:
            continue
        if rng.random() > 0.35:
            continue
        published = listing.published_at
        assert published is not None  # on sale, so published
        root = catalog.root_of(listing.category_id)
        pool = QUESTIONS.get(root, ()) + QUESTIONS[""]
        until = min(listing.sold_at or now, published + timedelta(days=10))
        askers = rng.sample(plan.viewers, min(len(plan.viewers), rng.choices([1, 2], [3, 1])[0]))
        for asker, (text, answer) in zip(askers, rng.sample(pool, len(askers)), strict=True):
            asked = between(rng, published, until)
            answered = None
            if plan.status == Status.SOLD or rng.random() < 0.8:
                answered = min(now, asked + timedelta(minutes=rng.randint(20, 36 * 60)))
            rows.append(
                NewQuestion(
                    asker,
                    listing,
                    text,
                    at=asked,
                    answer=answer if answered else "",
                    answered_at=answered,
                )
            )
    return len(questions_create(questions=rows))
