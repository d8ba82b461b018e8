"""Finding listings: words with filters, a radius and a sort, one page at a time.

Only listings the viewer may see come back (`Listing.objects.visible_to`, which also drops blocked
pairs), live and not hidden by a moderator. Words are compared in one normal form on both sides
(`marketplace.search`: no accents, singular, with synonyms and the categories a word names), so
"vélos" finds a "Bike": every word of the query must be in the listing's title or description
words (`Listing.title_words`, `body_words`) or name its category. On PostgreSQL they are found and
scored through the `search_vector` built from those columns (GIN-indexed, title weighted A,
description B; migration 0012); elsewhere with `contains(" word ")`. Both find the same listings
and score them alike: a word in the title above one in the description above the category.

Distances are measured from the listing's public coordinates (rounded to about 1 km), for everyone:
a radius search from points a viewer chooses must not reveal a place the listing shows only to the
seller's friends.

The input is checked once, before any query (`search_params.search_criteria`: a `DomainError`
naming the field, never a 500); the saved-search notifications reuse the same rules through
`matching_listings`.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ReadOnly, TypedDict
from urllib.parse import quote

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse

from accounts.models import User, Viewer
from marketplace.geo import DistanceKm, bounding_box, degrees_per_km, distance_km
from marketplace.models import (
    Category,
    Listing,
    ListingPhoto,
    SavedSearch,
    Watch,
)
from marketplace.search.vocabulary import Term, query_terms
from marketplace.selectors.listings import as_member
from marketplace.selectors.search_params import (
    PointInput,
    SearchCriteria,
    Sort,
    home_of,
    page_number,
    search_criteria,
)
from marketplace.services.money import MoneyInput
from querycache.lookups import IdArray, Slot
from querycache.prepared import Prepared
from querycache.versions import LocalMemo

if TYPE_CHECKING:  # django-stubs-ext is a development dependency
    from django_stubs_ext import WithAnnotations


class SearchAnnotations(TypedDict):
    """What the search adds to every listing row: `distance_km` (None without a point). With
    words, rows also carry `relevance`, ordered by as an expression (`_ordered`)."""

    distance_km: ReadOnly[float | None]


type SearchRows = QuerySet[WithAnnotations[Listing, SearchAnnotations]]

PAGE_SIZE = 20
# Listing coordinates are rounded to two decimals for distances: at most ~0.8 km off.
ROUNDING_SLACK_KM = 1.0
# Nearest first: the page is looked for within these radii before the whole one (see `_rings`).
RINGS_KM = (5, 20)


@dataclass
class SearchPage:
    """One page of results, each with `distance_km` (None without a point) and `cover` (its
    first photo or None). `has_next` comes from fetching one row more than the page: no COUNT."""

    results: list[Listing]
    number: int
    has_next: bool
    criteria: SearchCriteria
    page_size: int = PAGE_SIZE
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.number > 1


def listing_url(listing: Listing) -> str:
    """The listing's page; until listing pages exist, a search for its title."""
    try:
        return reverse("marketplace:listing", args=[listing.pk])
    except NoReverseMatch:
        return f"{reverse('marketplace:search')}?q={quote(listing.title)}#listing-{listing.pk}"


# --- Matching --------------------------------------------------------------------------------


def _any_word(column: str, forms: Iterable[str]) -> Q:
    """Any of `forms` as a whole word of a words column (`Listing.title_words`)."""
    return functools.reduce(operator.or_, [Q(**{f"{column}__contains": f" {f} "}) for f in forms])


def _or_category(found: Q, term: Term) -> Q:
    return found | Q(category_id__in=term.category_ids) if term.category_ids else found


def _in_vector(forms: Iterable[str], weight: str = "") -> RawSQL:
    """Any of `forms` in the listing's `search_vector` (with `weight` "A": in the title)."""
    return RawSQL(
        "marketplace_listing.search_vector @@ to_tsquery('simple', %s)",
        [" | ".join(f"{form}:{weight}" if weight else form for form in forms)],
        output_field=BooleanField(),
    )


def match_vector(rows: QuerySet[Listing], terms: tuple[Term, ...]) -> QuerySet[Listing]:
    """PostgreSQL: every term in the listing's `search_vector` (its words columns, migration
    0012; GIN-indexed) or its categories. Scored as `match_words` scores: a term in the title
    (the vector's weight A) 2, in the description 1, by its category alone 0; so both order alike,
    and a match costs no `ts_rank`."""
    for term in terms:
        rows = rows.filter(_or_category(Q(_in_vector(term.forms)), term))
    score = functools.reduce(
        operator.add,
        [
            Case(
                When(_in_vector(term.forms, "A"), then=Value(2)),
                When(_in_vector(term.forms), then=Value(1)),
                default=Value(0),
            )
            for term in terms
        ],
    )
    return rows.annotate(relevance=ExpressionWrapper(score, output_field=IntegerField()))


def match_words(rows: QuerySet[Listing], terms: tuple[Term, ...]) -> QuerySet[Listing]:
    """Any database: every term in the title's or the description's words or its categories;
    a term in the title scores 2, in the description 1, by its category alone 0."""
    for term in terms:
        rows = rows.filter(
            _or_category(
                _any_word("title_words", term.forms) | _any_word("body_words", term.forms), term
            )
        )
    score = functools.reduce(
        operator.add,
        [
            Case(
                When(_any_word("title_words", term.forms), then=Value(2)),
                When(_any_word("body_words", term.forms), then=Value(1)),
                default=Value(0),
            )
            for term in terms
        ],
    )
    return rows.annotate(relevance=ExpressionWrapper(score, output_field=IntegerField()))


def text_matcher() -> Callable[[QuerySet[Listing], tuple[Term, ...]], QuerySet[Listing]]:
    """The word match this database runs: PostgreSQL's indexed vector, or the portable one.
    Both match the same normalised words (`marketplace.search.words`)."""
    return match_vector if connection.vendor == "postgresql" else match_words


def public_distance_expression(lat: float, lng: float) -> DistanceKm:
    """Haversine km from (lat, lng) to each listing's public (rounded) coordinates."""
    return DistanceKm(lat, lng, rounded=True)


def matching_listings(viewer: Viewer, criteria: SearchCriteria) -> SearchRows:
    """Live, unhidden listings the viewer may see that meet `criteria`, with `relevance`
    (when there are words) and `distance_km` (when there is a point), unordered. The categories
    and the radius may be `Slot`s (`_nearest`)."""
    rows: QuerySet[Listing] = Listing.objects.visible_to(viewer).live().filter(hidden=False)
    if criteria.q:
        terms = criteria.terms if criteria.terms is not None else query_terms(criteria.q)
        if terms:
            rows = text_matcher()(rows, terms)
        else:  # nothing but punctuation: nothing matches
            rows = rows.none().annotate(relevance=Value(0, output_field=FloatField()))
    if criteria.category_ids and criteria.bounded:
        # Within a radius the box is what an index should find, the category is checked on
        # the rows found: PostgreSQL estimates a box as a small share of the table whatever its
        # size, and would intersect it with the index of a large category, which takes longer
        # than reading every listing in the box.
        rows = rows.filter(category_id__any_unindexed=criteria.category_ids)
    elif criteria.category_ids:
        rows = rows.filter(category_id__any=criteria.category_ids)
    if criteria.by_price:  # prices in two currencies do not compare
        rows = rows.filter(currency=criteria.currency)
    if criteria.min_price is not None:
        rows = rows.filter(price__gte=criteria.min_price)
    if criteria.max_price is not None:
        rows = rows.filter(price__lte=criteria.max_price)
    if criteria.conditions:
        rows = rows.filter(condition__in=criteria.conditions)
    if criteria.delivery:
        rows = rows.filter(**{criteria.delivery: True})  # "pickup" or "shipping"
    if criteria.point is None:
        return rows.annotate(distance_km=Value(None, output_field=FloatField()))
    lat, lng = criteria.point
    rows = rows.annotate(distance_km=public_distance_expression(lat, lng))
    return within_radius(rows, criteria)


def within_radius(rows: SearchRows, criteria: SearchCriteria) -> SearchRows:
    """`rows` (annotated with `distance_km`) narrowed to the criteria's radius around its point.
    The radius may be a `Slot` (`_nearest`), on PostgreSQL."""
    point, radius_km = criteria.point, criteria.radius_km
    if point is None or radius_km is None:  # not `criteria.bounded`
        return rows
    lat, lng = point
    limit: int | RawSQL = radius_km
    if isinstance(radius_km, Slot):
        limit = RawSQL("%s", (radius_km,), output_field=FloatField())
    return rows.filter(_in_box(lat, lng, radius_km), distance_km__lte=limit)


def _in_box(lat: float, lng: float, radius_km: float) -> Q | RawSQL:
    """Listings in a box around the point (the radius and the rounding's slack), which an index
    finds before distances are computed: on PostgreSQL the GiST index on live listings' points
    (migration 0005), its corners computed from the radius as a parameter (a `Slot` in a
    compiled query; folded to a constant box when the query is planned); elsewhere the
    (status, latitude, longitude) B-tree."""
    if connection.vendor != "postgresql":
        return bounding_box(lat, lng, radius_km + ROUNDING_SLACK_KM)
    per_lat, per_lng = degrees_per_km(lat)
    low = [lng, radius_km, ROUNDING_SLACK_KM, per_lng, lat, radius_km, ROUNDING_SLACK_KM, per_lat]
    return RawSQL(
        "point(marketplace_listing.longitude::float8, marketplace_listing.latitude::float8) <@ box("
        "point(%s - (%s::float8 + %s) * %s, %s - (%s::float8 + %s) * %s),"
        "point(%s + (%s::float8 + %s) * %s, %s + (%s::float8 + %s) * %s))",
        low * 2,
        output_field=BooleanField(),
    )


def _ordered(rows: SearchRows, criteria: SearchCriteria) -> SearchRows:
    newest = ("-published_at", "-id")
    if criteria.sort == Sort.RELEVANCE and criteria.q:
        return rows.order_by(F("relevance").desc(), *newest)
    if criteria.sort == Sort.DISTANCE:
        return rows.order_by("distance_km", *newest)
    if criteria.sort == Sort.PRICE_ASC:
        return rows.order_by("price", *newest)
    if criteria.sort == Sort.PRICE_DESC:
        return rows.order_by("-price", *newest)
    return rows.order_by(*newest)


def _rings(criteria: SearchCriteria) -> list[int | None]:
    """Nearest first, the page is looked for in widening circles: within 5 km, then 20 km, then
    the whole radius (None: everywhere). A circle holding the page and one row more holds the
    first rows of the whole search too, in the same order, since every listing outside it is
    farther than every listing in it; and a small circle is a small part of the index to read,
    where listings are many."""
    whole = criteria.radius_km
    return [radius for radius in RINGS_KM if whole is None or radius < whole] + [whole]


# Nearest-first page queries, compiled once per viewer, place and filters (`_nearest`), each
# kept `NEAREST_MEMO_SECONDS` at most: what no key holds (the audience policy's rows) is read at
# every run.
NEAREST_MEMO_SECONDS = 600
type NearestRow = tuple[int, float | None]  # a listing's id and distance
_nearest_queries: LocalMemo[Prepared[NearestRow]] = LocalMemo(256, ttl_seconds=NEAREST_MEMO_SECONDS)


def _nearest_query(
    viewer: Viewer, criteria: SearchCriteria, *, bounded: bool, start: int, count: int
) -> Prepared[NearestRow]:
    """The ids and distances of a nearest-first page, its radius and categories left open
    (`Prepared`), so that the circles of one search, and the searches of the same viewer from
    the same place with the same filters, compile it once. Its key holds everything the query
    was built from besides those two: the viewer and their home (the audience policy's
    "nearby"), the other criteria and the page."""
    home = home_of(viewer)
    shape = replace(criteria, category=None, category_ids=(), radius_km=None)
    categories = bool(criteria.category_ids)
    member = as_member(viewer)
    viewer_pk = member.pk if member is not None else None
    key = repr((viewer_pk, home, shape, categories, bounded, start, count))

    def build(**lists: IdArray | Slot | int) -> QuerySet[Listing, NearestRow]:
        # In the compiled query the categories and the radius are `Slot`s (elsewhere an
        # `IdArray` and a number), standing where the criteria hold a tuple and an int.
        ring = replace(
            criteria,
            category_ids=lists.get("categories", ()),  # type: ignore[arg-type]
            radius_km=lists.get("radius") if bounded else None,  # type: ignore[arg-type]
        )
        rows = _ordered(matching_listings(viewer, ring), ring)
        return rows.values_list("pk", "distance_km")[start : start + count]

    casts = ({"radius": "float8"} if bounded else {}) | (
        {"categories": "bigint[]"} if categories else {}
    )
    return _nearest_queries.get_or_set(
        key, lambda: Prepared(build, freezes=("viewer", "home", "criteria", "page"), **casts)
    )


def _nearest(viewer: Viewer, criteria: SearchCriteria, start: int, count: int) -> list[Listing]:
    """`count` listings from `start`, nearest first, looked for in the circles of `_rings`; then
    read whole, with their categories (one query), in that order."""
    lists: dict[str, IdArray | int] = (
        {"categories": IdArray(criteria.category_ids)} if criteria.category_ids else {}
    )
    rows: list[NearestRow] = []
    for radius in _rings(criteria):
        bounded = radius is not None
        query = _nearest_query(viewer, criteria, bounded=bounded, start=start, count=count)
        rows = query.rows(**lists, **({"radius": radius} if radius is not None else {}))
        if len(rows) >= count:
            break
    listings = Listing.objects.select_related("category").in_bulk([pk for pk, _ in rows])
    found = []
    for pk, distance in rows:
        if pk in listings:  # unless deleted since
            found.append(_at_distance(listings[pk], distance))
    return found


def _at_distance(listing: Listing, distance: float | None) -> Listing:
    """The listing with `distance_km`, as the search annotates it, for a listing read whole."""
    listing.distance_km = distance  # type: ignore[attr-defined]  # the annotation, set by hand
    return listing


def with_cards(found: list[Listing]) -> list[Listing]:
    """What a result card shows besides the listing and its category (`select_related`): its
    first photo as its cover (one more query, for the photos of every listing found) and its
    address."""
    covers: dict[int, ListingPhoto] = {}
    if found:
        photos = ListingPhoto.objects.filter(listing_id__any=[listing.pk for listing in found])
        for photo in photos.order_by("listing_id", "position", "id"):
            covers.setdefault(photo.listing_id, photo)
    for listing in found:
        listing.cover = covers.get(listing.pk)
        listing.url = listing_url(listing)
    return found


def search_listings(
    viewer: Viewer,
    q: str = "",
    *,
    category: Category | int | str | None = None,
    min_price: MoneyInput = None,
    max_price: MoneyInput = None,
    conditions: Iterable[str] = (),
    near: PointInput = None,
    radius_km: int | str | None = None,
    sort: str | None = None,
    delivery: str | None = None,
    currency: str | None = None,
    page: int | str | None = 1,
    page_size: int = PAGE_SIZE,
) -> SearchPage:
    """One page of the listings `viewer` may see matching the search, in the chosen order.

    `near` is (latitude, longitude) or "lat,lng"; it defaults to the viewer's home. The sort
    defaults to nearest first with a point and no words, else to the best match. A price bound
    or a price sort compares only listings in `currency` (default: the viewer's). A bounded
    number of queries whatever the data: the category (when given) and its subtree, the page
    (nearest first: up to three tries, see `_rings`, then the listings found, see `_nearest`),
    the category tree for the words, the photos. Raises `DomainError` on bad input (see
    `search_criteria`)."""
    criteria = search_criteria(
        viewer,
        q=q,
        category=category,
        min_price=min_price,
        max_price=max_price,
        conditions=conditions,
        near=near,
        radius_km=radius_km,
        sort=sort,
        delivery=delivery,
        currency=currency,
    )
    number = page_number(page)
    start = (number - 1) * page_size
    if criteria.sort == Sort.DISTANCE and criteria.point is not None:
        found = _nearest(viewer, criteria, start, page_size + 1)
    else:
        rows = _ordered(matching_listings(viewer, criteria), criteria).select_related("category")
        found = list(rows[start : start + page_size + 1])
    with_cards(found)
    return SearchPage(
        results=found[:page_size],
        number=number,
        has_next=len(found) > page_size,
        criteria=criteria,
        page_size=page_size,
    )


def category_options() -> list[tuple[int, str]]:
    """Every category as (id, label), depth-first in tree order, labels indented by depth."""
    nodes = list(
        Category.objects.order_by("position", "name").values_list("pk", "parent_id", "name")
    )
    children: dict[int | None, list[tuple[int, str]]] = {}
    for pk, parent, name in nodes:
        children.setdefault(parent, []).append((pk, name))
    options: list[tuple[int, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for pk, name in children.get(parent, []):
            options.append((pk, "\u2003" * depth + name))
            walk(pk, depth + 1)

    walk(None, 0)
    return options


def saved_searches_of(owner: User) -> QuerySet[SavedSearch]:
    """The owner's saved searches, newest first, with their category."""
    return SavedSearch.objects.filter(owner=owner).select_related("category").order_by("-pk")


def watchlist_of(user: User) -> list[Watch]:
    """The listings on the person's watchlist that they may still open (a block, a changed
    audience, a moderator or the seller withdrawing it hides them), last added first; each
    listing with `cover` and `distance_km` from the person's home (public coordinates). Two
    queries."""
    visible = Listing.objects.openable_by(user)
    watches = list(
        Watch.objects.filter(user=user, listing__in=visible.values("pk"))
        .select_related("listing__category")
        .prefetch_related(
            Prefetch("listing__photos", queryset=ListingPhoto.objects.order_by("position", "id"))
        )
        .order_by("-created_at", "-pk")
    )
    home = home_of(user)
    for watch in watches:
        listing = watch.listing
        photos = listing.photos.all()
        listing.cover = photos[0] if photos else None
        listing.url = listing_url(listing)
        _at_distance(
            listing,
            distance_km(*home, listing.public_latitude, listing.public_longitude) if home else None,
        )
    return watches
