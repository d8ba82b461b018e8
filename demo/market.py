"""What the market steps of the demo share: the catalog and what people sell (the items in
`demo/data/market.toml`), the community as the database holds it, prices, places and dates.

The steps (`demo.listings` with `demo.deals` and `demo.pictures`, `demo.reviews`,
`demo.watching`) register with `demo.people` (see `DemoConfig.ready`) and run after the people,
their friendships and circles exist. Like the social steps they are deterministic (a fixed
random seed over the fixed roster and the graph the database holds) and idempotent at a coarse
grain: each step seeds its part once and skips when the demo people already have such data, so a
presenter's sales, withdrawals and deleted reviews survive a restart.

Everything is planned in Python, then written through the marketplace's bulk services
(`listings_create`, `listings_transition`, `offers_make`, `sales_complete`, `reviews_create`...),
which keep the rules of the single services, leave their notices and take each row's date:
who may ask, offer, buy, watch or find a review helpful is the audience policy's answer
(`visible_to`), and a listing's life is written in order (a draft, published, asked about,
offered on, reserved by the accepted offer, sold, or withdrawn, or expired).

Dates are spread over the last months: what is on sale now was published within the 60 days a
listing lives, sales happened earlier, reviews came after the purchase.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from accounts.models import User
from demo.people import DemoPerson, roster
from demo.story import story, tupled
from marketplace.geo import distance_km
from marketplace.models import (
    Brand,
    Category,
    Listing,
    ProductModel,
)
from social.models import Circle, CircleMembership, Friendship

MARKET_SEED = 20260603
BUYER_DISTANCE_KM = 40  # people fetch second-hand things from across town, not across the sea


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


def read_community() -> Community:
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
        else:
            latitude, longitude = people[pk].latitude, people[pk].longitude
            if latitude is not None and longitude is not None:
                homes[pk] = (float(latitude), float(longitude))
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


def read_catalog() -> Catalog:
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


def usable_items(catalog: Catalog, slug: str) -> list[Item]:
    """The items of a category the catalog has, with product models that still exist."""
    if slug not in catalog.categories:
        return []
    return [
        item for item in ITEMS.get(slug, ()) if not item.product or item.product in catalog.products
    ]


def categories_for(person: DemoPerson) -> list[str]:
    slugs: list[str] = []
    for interest in person.interests:
        slugs += [s for s in INTEREST_CATEGORIES.get(interest, ()) if s not in slugs]
    return slugs


def money_of(person: DemoPerson) -> tuple[str, float]:
    return MONEY.get(person.region, MONEY["lyon"])


def round_price(value: float) -> Decimal:
    step = 1 if value < 20 else 5 if value < 200 else 10
    return Decimal(max(step, round(value / step) * step))


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def jittered(rng: random.Random, home: tuple[float, float]) -> tuple[Decimal, Decimal]:
    """A point 0.2–2.5 km from a home (which is itself within ~1.5 km of the person's place)."""
    distance, bearing = rng.uniform(0.2, 2.5), rng.uniform(0, 2 * math.pi)
    lat = home[0] + distance / 111.2 * math.cos(bearing)
    lng = home[1] + distance / (111.2 * math.cos(math.radians(home[0]))) * math.sin(bearing)
    return Decimal(f"{lat:.5f}"), Decimal(f"{lng:.5f}")


def point_of(listing: Listing) -> tuple[float, float]:
    return float(listing.latitude), float(listing.longitude)


@dataclass
class PlannedListing:
    listing: Listing
    item: Item
    circles: tuple[int, ...] = ()
    viewers: list[int] = field(default_factory=list)
    status: str = ""  # the planned one; the row's moves through its life come after
    photos: int = 1
    created: datetime | None = None
    updated: datetime | None = None
