"""Search input: query parameters, form fields or a saved search's values checked once into a
typed `SearchCriteria`, or refused with a `DomainError` naming the field (a 400, never a 500).
The querying is in `marketplace.selectors.search`; saved searches check their values here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Viewer
from accounts.places import gazetteer
from config.errors import DomainError
from marketplace.geo import MAX_RADIUS_KM
from marketplace.models import Category, Listing
from marketplace.search.vocabulary import Term, query_terms, query_words
from marketplace.services.money import MoneyInput, parse_amount

# A point as a query parameter ("52.37,4.90") or a form's pair of numbers.
type PointInput = str | Iterable[float | str | None] | None

MAX_PAGE = 500  # deeper than this, nobody is browsing: narrow the search instead
QUERY_MAX_LENGTH = 120
MIN_RADIUS_KM = 1


class Sort:
    """The orders a search can be sorted in."""

    RELEVANCE = "relevance"
    DISTANCE = "distance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"

    CHOICES = (
        (RELEVANCE, "Best match"),
        (DISTANCE, "Nearest"),
        (NEWEST, "Newest"),
        (PRICE_ASC, "Price: low to high"),
        (PRICE_DESC, "Price: high to low"),
    )
    VALUES = tuple(value for value, _ in CHOICES)


# The currency prices are compared in where the viewer's home says nothing else.
DEFAULT_CURRENCY = Listing.Currency.EUR
# Where a home's country uses another currency than the default one.
CURRENCY_OF_COUNTRY = {"GB": Listing.Currency.GBP, "US": Listing.Currency.USD}

# How the buyer gets it: any way (""), the seller's place ("pickup"), or sent ("shipping").
DELIVERY_VALUES = ("", "pickup", "shipping")


@dataclass(frozen=True)
class SearchCriteria:
    """Checked search input. `point` is where distances are measured from (None: nowhere)."""

    q: str = ""
    category: Category | None = None
    category_ids: tuple[int, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    conditions: tuple[str, ...] = ()
    point: tuple[float, float] | None = None
    radius_km: int | None = None
    sort: str = Sort.RELEVANCE
    delivery: str = ""
    currency: str = DEFAULT_CURRENCY
    # The query's words with their synonyms and categories (`query_terms`); None: not looked up
    # yet (the search selector looks them up from `q`).
    terms: tuple[Term, ...] | None = None

    @property
    def words(self) -> list[str]:
        """The query's words, as the word match uses them."""
        return search_words(self.q)

    @property
    def by_price(self) -> bool:
        """Whether prices are compared (a price bound or a price sort): then only listings in
        `currency` take part, since prices in two currencies do not compare."""
        return (
            self.min_price is not None
            or self.max_price is not None
            or self.sort in (Sort.PRICE_ASC, Sort.PRICE_DESC)
        )

    @property
    def bounded(self) -> bool:
        """Within a radius of a point."""
        return self.point is not None and self.radius_km is not None


def search_words(q: str) -> list[str]:
    """The words of a query as the word match compares them: folded, singular, no stop words
    (`marketplace.search.vocabulary.query_words`)."""
    return query_words(q)


# --- Fields ---------------------------------------------------------------------------------------


def _error(message: str, name: str) -> DomainError:
    """A refusal naming the input it is about (`code` "invalid_<name>", `field` name)."""
    return DomainError(message, code=f"invalid_{name}", field=name)


def parse_price(value: MoneyInput, name: str) -> Decimal | None:
    """A price bound (0 to the highest listing price, in cents), or None when not given. Read
    as the listing form reads a price (`parse_amount`: "89,50", "1 200", "89.50")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        price = parse_amount(value)
    except (ArithmeticError, ValueError, TypeError):
        raise _error("Enter a price as a number, like 150, 89.50 or 89,50.", name) from None
    if price < 0 or price > Listing.MAX_PRICE:
        raise _error(f"A price is between 0 and {Listing.MAX_PRICE:,}.", name)
    return price.quantize(Decimal("0.01"))


def parse_radius(value: int | str | None) -> int | None:
    """A radius in whole km (1 to 500), or None when not given."""
    if value is None or value == "":
        return None
    try:
        radius = int(str(value).strip())
    except ValueError:
        raise _error("Enter the radius as a whole number of km.", "radius_km") from None
    if not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
        raise _error(
            f"Choose a radius between {MIN_RADIUS_KM} and {MAX_RADIUS_KM} km.", "radius_km"
        )
    return radius


def parse_category(value: Category | int | str | None) -> Category | None:
    """A category by its id or slug, or None when not given."""
    if value is None or value == "":
        return None
    if isinstance(value, Category):
        return value
    pk: int | None
    try:
        pk = int(str(value).strip())
    except ValueError:
        pk = None
    category = (
        Category.objects.filter(pk=pk).first()
        if pk is not None
        else Category.objects.filter(slug=str(value).strip()).first()
    )
    if category is None:
        raise _error("There is no such category; choose one from the list.", "category")
    return category


def _coordinate(part: float | str | None) -> float:
    if part is None:
        raise TypeError("A coordinate is missing.")
    return float(part)


def parse_point(near: PointInput) -> tuple[float, float] | None:
    """A point as (latitude, longitude), rounded to 5 decimals, or None when not given."""
    if near is None or near == "" or near == (None, None):
        return None
    try:
        if isinstance(near, str):
            lat, lng = (float(part) for part in near.split(","))
        else:
            lat, lng = (_coordinate(part) for part in near)
    except (TypeError, ValueError):
        raise _error("Give the point as latitude,longitude (like 52.37,4.90).", "near") from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise _error("Latitude is between -90 and 90, longitude between -180 and 180.", "near")
    return (round(lat, 5), round(lng, 5))


def parse_currency(value: str | None, viewer: Viewer) -> str:
    """A currency code (EUR, GBP, USD), or the viewer's (`currency_of`) when not given."""
    if value is None or not str(value).strip():
        return currency_of(viewer)
    code = str(value).strip().upper()
    if code not in Listing.Currency.values:
        raise _error(
            f"Choose the currency among: {', '.join(Listing.Currency.values)}.", "currency"
        )
    return code


def currency_of(viewer: Viewer) -> str:
    """The currency a viewer compares prices in: their home country's (the gazetteer's town
    of their home place: GBP in the United Kingdom), else the default (EUR)."""
    profile = getattr(viewer, "profile", None) if viewer is not None else None
    place = gazetteer().find(profile.home_place) if profile and profile.home_place else None
    if place is None:
        return DEFAULT_CURRENCY
    return CURRENCY_OF_COUNTRY.get(place.country_code, DEFAULT_CURRENCY)


def home_of(viewer: Viewer) -> tuple[float, float] | None:
    """The viewer's home (rounded, from their profile), or None for a visitor or no home."""
    profile = getattr(viewer, "profile", None) if viewer is not None else None
    if profile is None or not profile.has_home:
        return None
    return (float(profile.home_latitude), float(profile.home_longitude))


def search_criteria(
    viewer: Viewer,
    *,
    q: str = "",
    category: Category | int | str | None = None,
    min_price: MoneyInput = None,
    max_price: MoneyInput = None,
    conditions: Iterable[str] = (),
    near: PointInput = None,
    radius_km: int | str | None = None,
    sort: str | None = None,
    delivery: str | None = None,
    currency: str | None = None,
) -> SearchCriteria:
    """Check search input. Raises `DomainError` (400, with the field) on anything out of range:
    a radius outside 1–500 km, a minimum price above the maximum, an unknown category,
    condition, sort or currency, a radius or distance sort without a point (and no home to
    default to).

    The sort defaults to nearest first for a viewer with a home (or a point) and no words, else
    to the best match. Prices are compared in `currency`, by default the viewer's
    (`currency_of`)."""
    q = (q or "").strip()
    if len(q) > QUERY_MAX_LENGTH:
        raise _error(f"Keep the search under {QUERY_MAX_LENGTH} characters.", "q")
    chosen = parse_category(category)
    low, high = parse_price(min_price, "min_price"), parse_price(max_price, "max_price")
    if low is not None and high is not None and low > high:
        raise _error("The minimum price is above the maximum.", "min_price")
    chosen_conditions = tuple(dict.fromkeys(c for c in conditions if c))
    unknown = [c for c in chosen_conditions if c not in Listing.Condition.values]
    if unknown:
        raise _error(f"Unknown condition: {', '.join(unknown)}.", "conditions")
    point = parse_point(near) or home_of(viewer)
    radius = parse_radius(radius_km)
    sort = sort or (Sort.DISTANCE if point is not None and not q else Sort.RELEVANCE)
    if sort not in Sort.VALUES:
        raise _error(f"Sort by one of: {', '.join(Sort.VALUES)}.", "sort")
    delivery = delivery or ""
    if delivery not in DELIVERY_VALUES:
        raise _error(
            f"Filter the delivery by one of: {', '.join(DELIVERY_VALUES[1:])}.", "delivery"
        )
    if point is None and (radius is not None or sort == Sort.DISTANCE):
        raise _error("Choose a point to search around, or set your home in your profile.", "near")
    return SearchCriteria(
        q=q,
        category=chosen,
        category_ids=tuple(chosen.with_descendants()) if chosen else (),
        min_price=low,
        max_price=high,
        conditions=chosen_conditions,
        point=point,
        radius_km=radius,
        sort=sort,
        delivery=delivery,
        currency=parse_currency(currency, viewer),
        terms=query_terms(q) if q else (),
    )


def page_number(page: int | str | None) -> int:
    """The page asked for (1 when none), from 1 to `MAX_PAGE`."""
    try:
        number = 1 if page is None or page == "" else int(page)
    except (TypeError, ValueError):
        raise _error("The page is a whole number.", "page") from None
    if not 1 <= number <= MAX_PAGE:
        raise _error(f"Pages go from 1 to {MAX_PAGE}; narrow the search to see more.", "page")
    return number
