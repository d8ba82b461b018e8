"""Checks of a listing's fields, shared by creation and edits: each turns what a person typed
into the value stored, or raises a `DomainError` naming the field to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from accounts.models import User
from accounts.places import place_named
from config.errors import DomainError
from marketplace.models import Brand, Category, Listing, ListingAudience, ProductModel
from marketplace.services.money import CENT, MoneyInput, MoneyWords, clean_money
from social.models import Circle
from social.services.circles import foreign_circle, owned_circles

# A number as a form or the API hands it over: typed text, or already parsed.
NumberInput = str | int | float | Decimal | None
# A catalog row, or its id as typed.
CategoryRef = Category | int | str | None
ProductRef = ProductModel | int | str | None
BrandRef = Brand | int | str | None


class ListingChanges(TypedDict, total=False):
    """The fields `listing_update` may change, as forms and the API hand them over."""

    title: str
    description: str
    category: CategoryRef
    product_model: ProductRef
    brand: BrandRef
    condition: str
    price: MoneyInput
    currency: str
    place: str
    latitude: NumberInput
    longitude: NumberInput
    audience: str | None
    circle_ids: Iterable[int | str]
    nearby_radius_km: NumberInput
    brand_name: str | None
    model_name: str | None
    pickup: bool | None
    shipping: bool | None
    shipping_price: MoneyInput


TITLE_MIN_LENGTH = 3
RADIUS_MIN_KM, RADIUS_MAX_KM = 1, 500


def clean_title(title: str | None) -> str:
    title = " ".join(str(title or "").split())
    if len(title) < TITLE_MIN_LENGTH:
        raise DomainError(
            f"Give the listing a title of at least {TITLE_MIN_LENGTH} characters.",
            code="short_title",
            field="title",
        )
    if len(title) > Listing.TITLE_MAX_LENGTH:
        raise DomainError(
            f"Keep the title to {Listing.TITLE_MAX_LENGTH} characters (it has {len(title)}).",
            code="long_title",
            field="title",
        )
    return title


def clean_description(description: str | None) -> str:
    description = str(description or "").strip()
    if len(description) > Listing.DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            f"Keep the description to {Listing.DESCRIPTION_MAX_LENGTH} characters "
            f"(it has {len(description)}).",
            code="long_description",
            field="description",
        )
    return description


PRICE_WORDS = MoneyWords(
    not_a_number=("Give the price as a number, like 120 or 89.50.", "bad_price"),
    too_low=("The price must be more than zero.", "price_too_low"),
    too_high=(f"The price can be at most {Listing.MAX_PRICE:,.0f}.", "price_too_high"),
    too_precise=("Give the price with at most 2 decimals.", "price_decimals"),
    field="price",
)


def clean_price(price: MoneyInput) -> Decimal:
    return clean_money(price, maximum=Listing.MAX_PRICE, words=PRICE_WORDS)


def clean_choice(value: str | None, choices: type[models.TextChoices], what: str, code: str) -> str:
    if value is None or value not in choices.values:
        raise DomainError(
            f"Choose the {what} among: {', '.join(str(label) for label in choices.labels)}.",
            code=code,
            field=what,
        )
    return value


def _by_id[RowT: models.Model](
    model: type[RowT], value: RowT | int | str, message: str, code: str, field: str
) -> RowT:
    if isinstance(value, model):
        return value
    if isinstance(value, int | str):
        try:
            return model._default_manager.get(pk=int(value))
        except (ObjectDoesNotExist, ValueError):
            pass
    raise DomainError(message, code=code, field=field)


def clean_catalog(
    category: CategoryRef, product_model: ProductRef, brand: BrandRef
) -> tuple[Category, ProductModel | None, Brand | None]:
    """The category, product model and brand, checked against one another."""
    if category is None or category == "":
        raise DomainError("Choose a category.", code="no_category", field="category")
    category = _by_id(
        Category, category, "Choose a category from the list.", "no_category", "category"
    )
    product: ProductModel | None = None
    if product_model is not None and product_model != "":
        product = _by_id(
            ProductModel,
            product_model,
            "Choose a product from the list.",
            "no_product",
            "product_model",
        )
    brand_obj: Brand | None = None
    if brand is not None and brand != "":
        brand_obj = _by_id(Brand, brand, "Choose a brand from the list.", "no_brand", "brand")
    if product is not None:
        if product.category_id not in category.with_descendants():
            raise DomainError(
                f"{product} is not in {category.name}; choose its category "
                f"({product.category.name}) or another product.",
                code="product_category_mismatch",
                field="product_model",
            )
        if brand_obj is not None and brand_obj.pk != product.brand_id:
            raise DomainError(
                f"{product} is made by {product.brand.name}, not {brand_obj.name}.",
                code="product_brand_mismatch",
                field="brand",
            )
        brand_obj = product.brand
    return category, product, brand_obj


def _clean_coordinate(value: NumberInput, low: int, high: int, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(
            f"Give the {what} as a number.", code="bad_coordinates", field=what
        ) from None
    if not number.is_finite() or not low <= number <= high:
        raise DomainError(
            f"The {what} must be between {low} and {high}.",
            code="bad_coordinates",
            field=what,
        )
    return number.quantize(Decimal("0.00001"))


def clean_place(
    place: str | None, latitude: NumberInput, longitude: NumberInput
) -> tuple[str, Decimal, Decimal]:
    """The place as a listing keeps it: a town's name and its point. Without a point, the name
    is a town's the gazetteer knows ("Lyon, France"), which gives the point; with one (the API,
    the demo), any short name of the spot."""
    place = " ".join(str(place or "").split())
    if not place:
        raise DomainError(
            "Say where the item is: start typing a town's name and pick it from the list.",
            code="no_place",
            field="place",
        )
    if len(place) > Listing.PLACE_MAX_LENGTH:
        raise DomainError(
            f"Keep the place to {Listing.PLACE_MAX_LENGTH} characters.",
            code="long_place",
            field="place",
        )
    no_latitude, no_longitude = latitude in (None, ""), longitude in (None, "")
    if no_latitude and no_longitude:
        town = place_named(place, field="place")
        return town.label, town.latitude, town.longitude
    if no_latitude or no_longitude:
        raise DomainError(
            "Give both the latitude and the longitude, or neither: the town's name is enough.",
            code="no_coordinates",
            field="latitude" if no_latitude else "longitude",
        )
    return (
        place,
        _clean_coordinate(latitude, -90, 90, "latitude"),
        _clean_coordinate(longitude, -180, 180, "longitude"),
    )


def same_place(place: str | None, kept: str) -> bool:
    """Whether `place` is the name a listing already keeps (spaces aside): the form sends it
    back unchanged, and the listing's point stays as it is."""
    return " ".join(str(place or "").split()) == kept


def clean_radius(radius: NumberInput) -> int:
    try:
        value = int(str(radius).strip())
    except (ValueError, TypeError):
        raise DomainError(
            "Give the radius in whole kilometres.", code="bad_radius", field="nearby_radius_km"
        ) from None
    if not RADIUS_MIN_KM <= value <= RADIUS_MAX_KM:
        raise DomainError(
            f"The radius must be between {RADIUS_MIN_KM} and {RADIUS_MAX_KM} km.",
            code="bad_radius",
            field="nearby_radius_km",
        )
    return value


def clean_audience(
    seller: User, audience: str | None, circle_ids: Iterable[int | str] | None
) -> tuple[str, list[Circle]]:
    """The audience (friends unless given) and, for chosen circles, the seller's own circles."""
    audience, chosen = audience_choice(audience, circle_ids)
    if not chosen:
        return audience, []
    try:
        return audience, owned_circles(owner=seller, circle_ids=[int(pk) for pk in chosen])
    except (ValueError, TypeError):
        raise foreign_circle() from None


def audience_choice(
    audience: str | None, circle_ids: Iterable[int | str] | None
) -> tuple[str, list[int | str]]:
    """The rules on a listing's audience that need no query: (audience, chosen circle ids).
    Whose the circles are is for the caller to check (`owned_circles`, or in bulk)."""
    audience = audience or ListingAudience.FRIENDS
    if audience not in ListingAudience.values:
        raise DomainError(
            f"Unknown audience “{audience}”. Choose one of: {', '.join(ListingAudience.values)}.",
            code="bad_audience",
            field="audience",
        )
    chosen = [pk for pk in (circle_ids or []) if str(pk).strip()]
    if audience == ListingAudience.CIRCLES:
        if not chosen:
            raise DomainError("Choose at least one circle.", code="no_circle", field="circles")
        return audience, chosen
    if chosen:
        raise DomainError(
            "Circles can be chosen only with the “Chosen circles” audience.",
            code="circles_without_audience",
            field="circles",
        )
    return audience, []


SHIPPING_PRICE_WORDS = MoneyWords(
    not_a_number=("Give the shipping price as a number, like 8 or 6.50 (0: free).", "bad_shipping"),
    too_low=("The shipping price can't be negative.", "bad_shipping"),
    too_high=(
        f"The shipping price can be at most {Listing.MAX_SHIPPING_PRICE:,.0f}.",
        "bad_shipping",
    ),
    too_precise=("Give the shipping price with at most 2 decimals.", "bad_shipping"),
    field="shipping_price",
)


def clean_delivery(
    pickup: bool | None, shipping: bool | None, shipping_price: MoneyInput
) -> tuple[bool, bool, Decimal | None]:
    """How the buyer gets it: (pickup, shipping, shipping price). At least one way; shipping
    needs its price (0 is free shipping); without shipping a price is ignored."""
    pickup, shipping = bool(pickup), bool(shipping)
    if not pickup and not shipping:
        raise DomainError(
            "Choose how the buyer gets it: local pickup, shipping, or both.",
            code="no_delivery",
            field="pickup",
        )
    if not shipping:
        return pickup, shipping, None
    if shipping_price is None or str(shipping_price).strip() == "":
        raise DomainError(
            "Give the shipping price (0 for free shipping).",
            code="no_shipping_price",
            field="shipping_price",
        )
    try:
        if Decimal(str(shipping_price).strip().replace(",", ".")) == 0:
            return pickup, shipping, Decimal("0").quantize(CENT)
    except (InvalidOperation, ValueError):
        pass  # clean_money says what is wrong
    price = clean_money(
        shipping_price, maximum=Listing.MAX_SHIPPING_PRICE, words=SHIPPING_PRICE_WORDS
    )
    return pickup, shipping, price


NAME_MAX_LENGTH = {"brand": 80, "model": 120}


def clean_named(value: str | None, kind: str) -> str:
    """A brand or model name typed by the seller: spaces tidied, length checked ("" if none)."""
    name = " ".join(str(value or "").split())
    if len(name) > NAME_MAX_LENGTH[kind]:
        raise DomainError(
            f"Keep the {kind} name to {NAME_MAX_LENGTH[kind]} characters.",
            code=f"long_{kind}_name",
            field=f"{kind}_name",
        )
    return name


def clean_catalog_named(
    category: Category,
    product: ProductModel | None,
    brand: Brand | None,
    brand_name: str | None,
    model_name: str | None,
) -> tuple[ProductModel | None, Brand | None, str, str]:
    """The catalog choice completed by what the seller named: (product, brand, brand name, model
    name). A name the catalog already has becomes that entry; a brand or model chosen from the
    list leaves no room for a name of the same kind."""
    brand_name, model_name = clean_named(brand_name, "brand"), clean_named(model_name, "model")
    if brand_name and brand is not None and product is None:
        raise DomainError(
            f"You chose {brand.name} from the list; clear it to name another brand.",
            code="brand_and_name",
            field="brand_name",
        )
    if product is not None:
        if model_name:
            raise DomainError(
                f"You chose {product} from the list; clear it to name another model.",
                code="model_and_name",
                field="model_name",
            )
        return product, brand, "", ""
    if brand_name:
        known = Brand.objects.filter(name__iexact=brand_name).first()
        if known is not None:
            brand, brand_name = known, ""
    if model_name and brand is not None:
        known_model = ProductModel.objects.filter(
            brand=brand, name__iexact=model_name, category_id__in=category.with_descendants()
        ).first()
        if known_model is not None:
            return known_model, brand, "", ""
    return None, brand, brand_name, model_name
