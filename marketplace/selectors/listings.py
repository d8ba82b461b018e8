"""Reads for listings: one listing as a viewer may see it, a seller's own listings, the catalog.

A listing is fetched only through `Listing.objects.openable_by` (audience, "nearby", blocks, and
for a person other than the seller only while it is on sale, reserved or sold and not hidden by a
moderator). Where it is shown depends on who looks (`shown_location`): the seller and their
friends see the exact point, everyone else a point rounded to about 1 km.
Each function runs a fixed number of queries, whatever the number of photos or listings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from accounts.models import User, Viewer
from config.errors import found
from marketplace.geo import distance_km
from marketplace.models import (
    Brand,
    Category,
    Listing,
    ListingPhoto,
    ModerationDecision,
    ProductModel,
    Purchase,
)
from marketplace.selectors.reports import decision_on
from social.audience import Relation, relation_between

Status = Listing.Status

# An id as a URL or a form hands it over.
type IdInput = int | str

# What others may open; drafts, withdrawn and expired listings are their seller's alone.
SHOWN_TO_OTHERS = Listing.SHOWN_TO_OTHERS
# "My listings", in the order a seller cares about.
SELLER_GROUPS = (
    Status.ACTIVE,
    Status.RESERVED,
    Status.DRAFT,
    Status.SOLD,
    Status.EXPIRED,
    Status.WITHDRAWN,
)
RELATION_BADGE = {Relation.FRIEND: "1st", Relation.FOF: "2nd"}


def as_member(viewer: Viewer) -> User | None:
    """The viewer when signed in; None for a visitor."""
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    return viewer if signed_in and isinstance(viewer, User) else None


def _with_details(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    return listings.select_related(
        "seller__profile", "category__parent", "brand", "product_model__brand"
    ).prefetch_related(Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "id")))


def listings_visible_to(viewer: Viewer) -> QuerySet[Listing]:
    """Every listing `viewer` may open: their own in any state; others' by audience and blocks,
    while on sale, reserved or sold, and not hidden by a moderator (`Listing.objects.openable_by`,
    the one rule the deals panel and the report form use too)."""
    return Listing.objects.openable_by(viewer)


def openable_among(
    people: Mapping[int, User], wanted: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Listing]:
    """Of the `(person id, listing id)` pairs, those whose listing the person may open
    (`Listing.objects.openable_by`), with the listing: for the bulk services, one query per
    person however many listings."""
    by_person: dict[int, set[int]] = defaultdict(set)
    for person_id, listing_id in wanted:
        by_person[person_id].add(listing_id)
    found: dict[tuple[int, int], Listing] = {}
    for person_id, listing_ids in by_person.items():
        if person_id in people:
            openable = Listing.objects.openable_by(people[person_id])
            for listing in openable.filter(pk__in=listing_ids):
                found[person_id, listing.pk] = listing
    return found


def listing_for(viewer: Viewer, listing_id: IdInput) -> Listing | None:
    """One listing with its seller, catalog and photos, if `viewer` may see it; else None."""
    try:
        pk = int(listing_id)
    except (TypeError, ValueError):
        return None
    return _with_details(listings_visible_to(viewer).filter(pk=pk)).first()


def own_listing(seller: Viewer, listing_id: IdInput) -> Listing | None:
    """One of `seller`'s own listings (to change it), with its photos and circles; else None."""
    try:
        pk = int(listing_id)
    except (TypeError, ValueError):
        return None
    member = as_member(seller)
    if member is None:
        return None
    return (
        _with_details(Listing.objects.filter(pk=pk, seller_id=member.pk))
        .prefetch_related("circles")
        .first()
    )


def access_own_listing(seller: Viewer, listing_id: IdInput) -> Listing:
    """One of `seller`'s own listings (as `own_listing`); Http404 for any other."""
    return found(own_listing(seller, listing_id), "No such listing of yours.")


def listings_of_seller(seller: User) -> QuerySet[Listing]:
    """All of `seller`'s listings, every state, newest first, with category and photos."""
    return (
        Listing.objects.filter(seller_id=seller.pk)
        .select_related("category", "brand", "product_model")
        .prefetch_related(
            Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "id"))
        )
        .order_by("-updated_at", "-id")
    )


def listings_of_seller_by_state(seller: User) -> list[tuple[Status, list[Listing]]]:
    """`seller`'s listings grouped by state (on sale first), empty groups left out."""
    groups: dict[str, list[Listing]] = {status: [] for status in SELLER_GROUPS}
    for listing in listings_of_seller(seller):
        groups[listing.status].append(listing)
    return [(Status(status), rows) for status, rows in groups.items() if rows]


@dataclass(frozen=True)
class Location:
    """Where a listing is shown to one viewer: exact, or rounded to about 1 km."""

    place: str
    latitude: Decimal
    longitude: Decimal
    exact: bool


def shown_location(
    listing: Listing, viewer: Viewer, *, relation: Relation | None = None
) -> Location:
    """The point `viewer` may see: exact for the seller and their friends, rounded for others.

    Pass `relation` when it is known already (saves a query)."""
    if relation is None:
        relation = relation_between(as_member(viewer), listing.seller)
    if relation in (Relation.SELF, Relation.FRIEND):
        return Location(listing.place, listing.latitude, listing.longitude, exact=True)
    return Location(listing.place, listing.public_latitude, listing.public_longitude, exact=False)


def distance_from_home(viewer: Viewer, location: Location) -> float | None:
    """Kilometres from the viewer's (rounded) home to the shown point, when the home is known."""
    member = as_member(viewer)
    profile = getattr(member, "profile", None) if member is not None else None
    if profile is None or not profile.has_home:
        return None
    return distance_km(
        profile.home_latitude, profile.home_longitude, location.latitude, location.longitude
    )


@dataclass(frozen=True)
class ListingPage:
    """Everything the listing page shows to one viewer."""

    listing: Listing
    photos: list[ListingPhoto]
    relation: Relation
    badge: str
    location: Location
    distance_km: float | None
    # For the seller of a hidden listing: the moderator's decision (its reason and appeal).
    moderation: ModerationDecision | None = None
    # What it sold for, shown to its two parties only (the asking price is everyone's).
    sold_price: Decimal | None = None

    @property
    def is_seller(self) -> bool:
        return self.relation == Relation.SELF

    @property
    def can_edit(self) -> bool:
        """The seller may edit it: draft, active or reserved, and not hidden by a moderator."""
        return (
            self.is_seller
            and not self.listing.hidden
            and self.listing.status in (Status.DRAFT, Status.ACTIVE, Status.RESERVED)
        )

    @property
    def seller_actions(self) -> list[tuple[str, str]]:
        """The lifecycle buttons the seller gets now, as (action, label)."""
        if not self.is_seller:
            return []
        status = self.listing.status
        actions = []
        hidden = self.listing.hidden  # nothing puts a hidden listing up again: only an appeal
        if status == Status.DRAFT and not hidden:
            actions.append(("publish", "Publish"))
        if status in (Status.WITHDRAWN, Status.EXPIRED) and not hidden:
            actions.append(("relist", "Relist"))
        if status not in (Status.SOLD, Status.WITHDRAWN):
            actions.append(("withdraw", "Withdraw"))
        return actions


def listing_page(viewer: Viewer, listing_id: IdInput) -> ListingPage | None:
    """The listing page as `viewer` sees it, or None when they may not see the listing."""
    listing = listing_for(viewer, listing_id)
    if listing is None:
        return None
    relation = relation_between(as_member(viewer), listing.seller)
    location = shown_location(listing, viewer, relation=relation)
    hidden_for_seller = listing.hidden and relation == Relation.SELF
    return ListingPage(
        moderation=decision_on(listing) if hidden_for_seller else None,
        listing=listing,
        photos=list(listing.photos.all()),
        relation=relation,
        badge=RELATION_BADGE.get(relation, ""),
        location=location,
        distance_km=distance_from_home(viewer, location),
        sold_price=sold_price_for(viewer, listing),
    )


def sold_price_for(viewer: Viewer, listing: Listing) -> Decimal | None:
    """The price `listing` sold for, if it is sold and `viewer` is its seller or its buyer."""
    member = as_member(viewer)
    if listing.status != Status.SOLD or member is None:
        return None
    sale = Purchase.objects.filter(listing=listing).values("buyer_id", "seller_id", "price").first()
    if sale is None or member.pk not in (sale["buyer_id"], sale["seller_id"]):
        return None
    return sale["price"]


# --- catalog --------------------------------------------------------------------------------


@dataclass
class CategoryNode:
    """A category with the ones right below it."""

    category: Category
    children: list[CategoryNode]


def access_listing_page(viewer: Viewer, listing_id: IdInput) -> ListingPage:
    """As `listing_page`; Http404 for a listing the viewer may not open."""
    return found(
        listing_page(viewer, listing_id), "This listing does not exist or you can't see it."
    )


def category_tree() -> list[CategoryNode]:
    """The whole category tree, roots in their order, in one query."""
    nodes: dict[int, CategoryNode] = {}
    roots: list[CategoryNode] = []
    categories = list(Category.objects.select_related("topic").order_by("position", "name"))
    for category in categories:
        nodes[category.pk] = CategoryNode(category, [])
    for category in categories:
        node = nodes[category.pk]
        parent = nodes.get(category.parent_id) if category.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def category_choices() -> list[tuple[int, str]]:
    """(id, label) for a select: each root followed by its subcategories, indented."""
    choices: list[tuple[int, str]] = []

    def walk(nodes: list[CategoryNode], depth: int) -> None:
        for node in nodes:
            choices.append((node.category.pk, "— " * depth + node.category.name))
            walk(node.children, depth + 1)

    walk(category_tree(), 0)
    return choices


def _category_ids(category_id: IdInput | None) -> list[int] | None:
    if category_id is None or category_id == "":
        return None
    try:
        category = Category.objects.get(pk=int(category_id))
    except (Category.DoesNotExist, TypeError, ValueError):
        return []
    return category.with_descendants()


def brands_for(category_id: IdInput | None = None) -> QuerySet[Brand]:
    """Brands, or those with a product in the category (or below it)."""
    ids = _category_ids(category_id)
    brands = Brand.objects.all()
    if ids is not None:
        brands = brands.filter(products__category_id__in=ids).distinct()
    return brands.order_by("name")


def products_for(
    category_id: IdInput | None = None, brand_id: IdInput | None = None
) -> QuerySet[ProductModel]:
    """Product models, optionally in a category (or below it) and of a brand."""
    products = ProductModel.objects.select_related("brand", "category")
    ids = _category_ids(category_id)
    if ids is not None:
        products = products.filter(category_id__in=ids)
    if brand_id is not None and brand_id != "":
        try:
            products = products.filter(brand_id=int(brand_id))
        except (TypeError, ValueError):
            return products.none()
    return products
