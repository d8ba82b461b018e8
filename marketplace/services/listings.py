"""Listings: what a seller puts up for sale. Creating, editing and deleting one; its status
moves in `listing_lifecycle`, its photos in `listing_photos`, its fields are checked in
`listing_fields`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from config.errors import Conflict, DomainError
from marketplace.models import Listing
from marketplace.services.listing_fields import (
    clean_audience,
    clean_catalog,
    clean_choice,
    clean_description,
    clean_place,
    clean_price,
    clean_radius,
    clean_title,
)
from marketplace.services.listing_lifecycle import (
    listing_publish,
    locked_listing,
    require_editable,
    require_seller,
)
from marketplace.services.listing_photos import (
    delete_files_on_commit,
    prepared_photo,
    save_photos,
    too_many_photos,
)

Status = Listing.Status


@transaction.atomic
def listing_create(
    *,
    seller,
    title: str,
    category,
    condition: str,
    price,
    place: str,
    latitude,
    longitude,
    description: str = "",
    product_model=None,
    brand=None,
    currency: str = Listing.Currency.EUR,
    audience: str | None = None,
    circle_ids: Iterable[Any] = (),
    nearby_radius_km: Any = None,
    photos: Iterable[Any] = (),
    publish: bool = False,
) -> Listing:
    """Create a listing, as a draft or (with `publish`) on sale at once.

    Every field is checked before anything is written; a refusal is a DomainError naming what
    to fix, and nothing is saved (no row, no file)."""
    category, product, brand = clean_catalog(category, product_model, brand)
    place, latitude, longitude = clean_place(place, latitude, longitude)
    audience, circles = clean_audience(seller, audience, circle_ids)
    photos = [photo for photo in (photos or []) if photo]
    if len(photos) > Listing.MAX_PHOTOS:
        raise too_many_photos()
    listing = Listing(
        seller=seller,
        title=clean_title(title),
        description=clean_description(description),
        category=category,
        product_model=product,
        brand=brand,
        condition=clean_choice(condition, Listing.Condition, "condition", "bad_condition"),
        price=clean_price(price),
        currency=clean_choice(currency, Listing.Currency, "currency", "bad_currency"),
        place=place,
        latitude=latitude,
        longitude=longitude,
        audience=audience,
        nearby_radius_km=(
            clean_radius(nearby_radius_km) if nearby_radius_km not in (None, "") else 10
        ),
        status=Status.DRAFT,
    )
    prepared = [prepared_photo(photo) for photo in photos]
    listing.save()
    listing.circles.set(circles)
    save_photos(listing, prepared, start=0)
    if publish:
        listing_publish(seller=seller, listing=listing)
    return listing


UPDATABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "category",
        "product_model",
        "brand",
        "condition",
        "price",
        "currency",
        "place",
        "latitude",
        "longitude",
        "audience",
        "circle_ids",
        "nearby_radius_km",
    }
)


@transaction.atomic
def listing_update(*, seller, listing: Listing, **fields: Any) -> Listing:
    """Change some fields of a listing; only its seller, only while draft, active or reserved.

    Fields not given keep their value; the catalog, place and audience are checked together
    as on creation. Raises NotAllowed, Conflict (not editable now) or DomainError; a refusal
    changes nothing."""
    require_seller(seller, listing)
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise DomainError(
            f"These can't be changed here: {', '.join(sorted(unknown))}.", code="bad_field"
        )
    listing = locked_listing(listing)
    require_editable(listing)

    def given(name: str, current: Any) -> Any:
        return fields[name] if name in fields else current

    if {"category", "product_model", "brand"} & set(fields):
        listing.category, listing.product_model, listing.brand = clean_catalog(
            given("category", listing.category),
            given("product_model", listing.product_model),
            # A new product brings its own brand; an explicit brand is checked against it.
            fields.get("brand")
            if "brand" in fields
            else (None if "product_model" in fields else listing.brand),
        )
    if {"place", "latitude", "longitude"} & set(fields):
        listing.place, listing.latitude, listing.longitude = clean_place(
            given("place", listing.place),
            given("latitude", listing.latitude),
            given("longitude", listing.longitude),
        )
    if "title" in fields:
        listing.title = clean_title(fields["title"])
    if "description" in fields:
        listing.description = clean_description(fields["description"])
    if "condition" in fields:
        listing.condition = clean_choice(
            fields["condition"], Listing.Condition, "condition", "bad_condition"
        )
    if "price" in fields:
        listing.price = clean_price(fields["price"])
    if "currency" in fields:
        listing.currency = clean_choice(
            fields["currency"], Listing.Currency, "currency", "bad_currency"
        )
    if "nearby_radius_km" in fields and fields["nearby_radius_km"] not in (None, ""):
        listing.nearby_radius_km = clean_radius(fields["nearby_radius_km"])
    circles = None
    if "audience" in fields or "circle_ids" in fields:
        current_ids = (
            list(listing.circles.values_list("pk", flat=True))
            if "circle_ids" not in fields and given("audience", listing.audience) == "circles"
            else []
        )
        listing.audience, circles = clean_audience(
            seller, given("audience", listing.audience), given("circle_ids", current_ids)
        )
    listing.save()
    if circles is not None:
        listing.circles.set(circles)
    return listing


@transaction.atomic
def listing_delete(*, seller, listing: Listing) -> None:
    """Delete a draft nobody has seen. A published listing is withdrawn instead, so buyers'
    questions, offers and purchases keep what they refer to."""
    require_seller(seller, listing)
    if listing.status != Status.DRAFT:
        raise Conflict(
            "Only a draft can be deleted; withdraw a published listing instead.",
            code="not_draft",
        )
    photos = list(listing.photos.all())
    listing.delete()
    delete_files_on_commit(photos)
