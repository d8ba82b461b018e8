"""The saved searches a new listing matches, found in one query however many there are.

A saved search matches a listing when the search would find it for the search's owner
(`marketplace.selectors.search.matching_listings`, with the owner as the viewer): its words,
its maximum price, its radius around the owner's home, the listing visible to the owner. Its
category must be the listing's or one above it. Running that search once per saved search costs
a query per saved search. Here the listing is turned around instead: what it answers is worked out
once, and every saved search is checked against that in one SQL query over the saved searches:

- Words: the query words the listing answers (`words_answered`): its title and description words
  (the columns its `search_vector` is built from), the words of their synonym groups, and the
  words that name its category or one above. A saved search matches when every one of its words
  (`SavedSearchWord`) is among them, which is what its terms (`query_terms`) matched against the
  listing give.
- Place: the owner's home within the search's radius of the listing's public point. The distance
  is the search's own SQL (`DistanceKm`: haversine is symmetric), and the box the search draws
  around a home (`_in_box` on PostgreSQL, `geo.bounding_box` elsewhere) is drawn around each
  owner's home on their row.
- Audience: `AudienceQuerySet.visible_to` with the owner as the viewer, for every owner at once.
  The listing's audience is known, so only its rule is written out: friends and friends of
  friends as `EXISTS` over the seller's friendships, circles over the listing's circles, "nearby"
  as the owner's home within the listing's radius (`ListingQuerySet.extra_audiences`). Blocks
  either way, inactive owners and the seller's own searches are left out, as the search leaves
  them out.

The tests check these answers against the search for every rule, audience and relation. One rule
stays in Python, on the rows found: a maximum price only compares listings in the owner's
currency, which their home town decides through the gazetteer (`currency_of`).

The query reads the saved searches whose category and maximum price admit the listing; words,
place and audience are then checked row by row, through the words' (search, word) index, the
blocks' and friendships' indexes, and arithmetic on the owner's home. The search's GiST index
on listings' points does not apply in this direction (one point, many homes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Round
from django.db.models.lookups import LessThanOrEqual

from marketplace.geo import KM_PER_DEGREE, MAX_RADIUS_KM, DistanceKm
from marketplace.models import Category, Listing, ListingAudience, SavedSearch
from marketplace.models.saved_searches import SavedSearchWord
from marketplace.search.vocabulary import STOP_WORDS, synonyms
from marketplace.search.words import normal_words
from marketplace.selectors.search import ROUNDING_SLACK_KM
from marketplace.selectors.search_params import currency_of
from social.audience import (
    Audience,
    blocked_either_way,
    circles_table,
    is_friend_of,
    is_friend_of_friend_of,
)

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

# Where a saved search's row finds its owner's home.
HOME = ("owner__profile__home_latitude", "owner__profile__home_longitude")


@dataclass(frozen=True)
class ListingToMatch:
    """A live listing as saved searches are matched against it (`listing_to_match`)."""

    listing: Listing
    # Its public point as the search's SQL rounds it (`ROUND(latitude, 2)`), for distances.
    public_point: tuple[float, float]
    categories: tuple[int, ...]  # its category and those above it
    words: frozenset[str]  # the query words it answers (`words_answered`)


def listing_to_match(listing_id: int) -> ListingToMatch | None:
    """The listing, ready to be matched, if it is live, not hidden and its seller active; None
    otherwise. Two queries: the listing and the category tree."""
    live: QuerySet[Listing] = Listing.objects.live()
    listing = (
        live.filter(pk=listing_id, hidden=False, seller__is_active=True)
        .annotate(public_lat=Round("latitude", 2), public_lng=Round("longitude", 2))
        .first()
    )
    if listing is None:
        return None
    tree = {
        pk: (parent, slug, name)
        for pk, parent, slug, name in Category.objects.values_list(
            "pk", "parent_id", "slug", "name"
        )
    }
    chain: list[int] = []
    current: int | None = listing.category_id
    while current is not None and current not in chain:
        chain.append(current)
        current = tree[current][0] if current in tree else None
    return ListingToMatch(
        listing=listing,
        public_point=(float(listing.public_lat), float(listing.public_lng)),
        categories=tuple(chain),
        words=words_answered(
            [*listing.title_words.split(), *listing.body_words.split()],
            [(tree[pk][1], tree[pk][2]) for pk in chain if pk in tree],
        ),
    )


def words_answered(
    listing_words: Iterable[str], categories: Iterable[tuple[str, str]]
) -> frozenset[str]:
    """The query words a listing answers: `query_terms` turned around. A word's term holds the
    listing when one of the word's forms (itself and its synonyms) is among the listing's words
    or names its category or one above (a category's name, or a synonym group's category).
    Synonym groups go both ways, so these are the listing's words and the non-stop words of the
    names of `categories` (slug, name), each with the words of its groups, and the words whose
    group names one of those categories."""
    known = synonyms()

    def with_synonyms(words: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for word in words:
            found.add(word)
            found |= known.forms.get(word, frozenset())
        return found

    answered = with_synonyms(listing_words)
    for slug, name in categories:
        answered |= with_synonyms(word for word in normal_words(name) if word not in STOP_WORDS)
        answered |= {word for word, slugs in known.category_slugs.items() if slug in slugs}
    return frozenset(answered)


def saved_searches_matching(
    new: ListingToMatch, *, skip_owners: QuerySet[Any, Any] | None = None
) -> list[SavedSearch]:
    """Each owner's first saved search (by id) that the new listing matches, by owner, with the
    owner's profile and the search's category: one query however many saved searches there are
    (see the module docstring). `skip_owners`, a subquery of user ids, leaves those owners out
    (those already told about the listing)."""
    listing = new.listing
    rows = (
        SavedSearch.objects.filter(owner__is_active=True)
        .exclude(owner_id=listing.seller_id)
        .exclude(blocked_either_way(OuterRef("owner_id"), listing.seller_id))
        .filter(
            Q(category__isnull=True) | Q(category_id__in=new.categories),
            Q(max_price__isnull=True) | Q(max_price__gte=listing.price),
            _words_among(new.words),
            _within_radius(new),
            _in_audience(listing),
        )
    )
    if skip_owners is not None:
        rows = rows.exclude(owner_id__in=skip_owners)
    found: dict[int, SavedSearch] = {}
    for saved in rows.select_related("owner__profile", "category").order_by("owner_id", "pk"):
        if saved.owner_id in found:
            continue
        if saved.max_price is not None and currency_of(saved.owner) != listing.currency:
            continue  # prices in two currencies do not compare (`SearchCriteria.by_price`)
        found[saved.owner_id] = saved
    return list(found.values())


def _words_among(answered: frozenset[str]) -> Q:
    """Searches without words, and searches with words that are all among `answered`. A query of
    nothing but punctuation has no words and finds nothing, as in the search."""
    words = SavedSearchWord.objects.filter(search_id=OuterRef("pk"))
    return Q(query="") | (Q(Exists(words)) & ~Q(Exists(words.exclude(word__in=sorted(answered)))))


def _home() -> Q:
    return Q(**{f"{field}__isnull": False for field in HOME})


def _within_radius(new: ListingToMatch) -> Q:
    """Searches without a radius, and those whose owner's home is within it: the search's box
    around the home (the listing's exact point, the radius and the rounding's slack) and the
    distance to the listing's public point (`selectors.search.within_radius`)."""
    listing = new.listing
    box = _InBoxAroundHome(
        (listing.latitude, listing.longitude),
        F("radius_km"),
        slack_km=ROUNDING_SLACK_KM,
        gist=connection.vendor == "postgresql",
    )
    distance = DistanceKm(*new.public_point, fields=HOME)
    return Q(radius_km__isnull=True) | (
        _home() & Q(box) & Q(LessThanOrEqual(distance, F("radius_km")))
    )


def _in_audience(listing: Listing) -> Q:
    """Searches whose owner is in the listing's audience: `visible_to(owner)` for every owner at
    once, for a live listing shown to others; the seller and blocks are left out by the
    caller."""
    viewer = OuterRef("owner_id")
    audience = listing.audience
    if audience in (Audience.PUBLIC, Audience.MEMBERS):
        return Q()
    # The policy's own tests, with each search's owner as the viewer.
    friend = Q(is_friend_of(listing.seller_id, viewer))
    if audience == Audience.FRIENDS:
        return friend
    if audience == Audience.FOF:
        return friend | Q(is_friend_of_friend_of(listing.seller_id, viewer))
    if audience == Audience.CIRCLES:
        table = circles_table(Listing)
        chosen = table.model._default_manager.filter(
            **{table.row: listing.pk, f"{table.circle}__memberships__member_id": viewer}
        )
        return Q(Exists(chosen))
    if audience == ListingAudience.NEARBY:
        # As `ListingQuerySet.extra_audiences`: `within_radius_of` the home, the listing's own
        # radius, its exact point, in the widest box.
        point = (listing.latitude, listing.longitude)
        box = _InBoxAroundHome(point, Value(MAX_RADIUS_KM))
        distance = DistanceKm(float(listing.latitude), float(listing.longitude), fields=HOME)
        return _home() & Q(box) & Q(LessThanOrEqual(distance, Value(listing.nearby_radius_km)))
    return Q(pk__in=[])  # only the seller


class _InBoxAroundHome(Func):
    """The listing's point (constants) in the box the search draws around a home for `radius`
    km (a column or a value) and `slack_km`, drawn here around each row's owner's home (`HOME`):
    the corners are computed in SQL as the search computes them in Python for one home
    (`geo.degrees_per_km`). With `gist`, PostgreSQL's `point <@ box` of the search's `_in_box`;
    else `geo.bounding_box`, its corners rounded to five decimals."""

    output_field = BooleanField()

    def __init__(
        self,
        point: tuple[Decimal, Decimal],
        radius: F | Value,
        *,
        slack_km: float = 0.0,
        gist: bool = False,
    ) -> None:
        super().__init__(F(HOME[0]), F(HOME[1]), radius)
        self.point, self.slack_km, self.gist = point, slack_km, gist

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[object]]:
        (lat, lat_params), (lng, lng_params), (radius, radius_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if lat_params or lng_params:
            raise ValueError("A home is two columns.")
        postgresql = connection.vendor == "postgresql"
        # In double precision, as the search computes the corners in Python.
        if postgresql:
            lat, lng, radius = f"{lat}::float8", f"{lng}::float8", f"{radius}::float8"
        greatest = "GREATEST" if postgresql else "MAX"
        # Degrees of longitude in one km at the home's latitude (its parameter: KM_PER_DEGREE).
        per_lng = f"(1.0 / (%s * {greatest}(COS(RADIANS({lat})), 0.01)))"
        # The box's half side in km: the radius and the slack.
        reach = f"({radius} + %s)"
        reach_params = [*radius_params, self.slack_km]
        lng_shift = (f"{reach} * {per_lng}", [*reach_params, KM_PER_DEGREE])
        lat_shift = (f"{reach} * %s", [*reach_params, 1 / KM_PER_DEGREE])
        point_lat, point_lng = self.point
        params: list[object] = []
        if self.gist:  # as the search's `_in_box`
            corners = []
            for sign in ("-", "+"):
                corners.append(f"point({lng} {sign} {lng_shift[0]}, {lat} {sign} {lat_shift[0]})")
                params += [*lng_shift[1], *lat_shift[1]]
            sql = f"point(%s::float8, %s::float8) <@ box({corners[0]}, {corners[1]})"
            return sql, [point_lng, point_lat, *params]
        # As `geo.bounding_box`, whose corners are `Decimal(str(round(x, 5)))`, against the
        # listing's coordinates as its columns compare: exact decimals on PostgreSQL (which has
        # no ROUND of a double precision to some digits), floats in SQLite's REAL columns.
        conditions = []
        for column, value, (shift, shift_params) in (
            (lat, point_lat, lat_shift),
            (lng, point_lng, lng_shift),
        ):
            for operator, sign in ((">=", "-"), ("<=", "+")):
                corner = f"{column} {sign} {shift}"
                corner = f"CAST({corner} AS numeric)" if postgresql else corner
                conditions.append(f"%s {operator} ROUND({corner}, 5)")
                params += [value if postgresql else float(value), *shift_params]
        return "(" + " AND ".join(conditions) + ")", params
