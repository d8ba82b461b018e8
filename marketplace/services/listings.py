"""Listings: what a seller puts up for sale. Creating, editing and deleting one; its status
moves in `listing_lifecycle`, its photos in `listing_photos`, its fields are checked in
`listing_fields`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Unpack

from django.core.files.base import File
from django.db import transaction

from accounts.models import User
from config.bulk import backdate, numbered_rows
from config.errors import Conflict, DomainError
from marketplace.models import Listing
from marketplace.services.catalog_suggestions import suggestions_record
from marketplace.services.listing_fields import (
    BrandRef,
    CategoryRef,
    ListingChanges,
    NumberInput,
    ProductRef,
    audience_choice,
    clean_audience,
    clean_catalog,
    clean_catalog_named,
    clean_choice,
    clean_delivery,
    clean_description,
    clean_place,
    clean_price,
    clean_radius,
    clean_title,
    same_place,
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
from marketplace.services.money import MoneyInput
from marketplace.services.price_drops import on_price_changed
from social.services.circles import with_circles_create
from social.services.posts import circles_owned_in_bulk

Status = Listing.Status


@transaction.atomic
def listing_create(
    *,
    seller: User,
    title: str | None,
    category: CategoryRef,
    condition: str | None,
    price: MoneyInput,
    place: str | None,
    latitude: NumberInput = None,
    longitude: NumberInput = None,
    description: str = "",
    product_model: ProductRef = None,
    brand: BrandRef = None,
    currency: str = Listing.Currency.EUR,
    audience: str | None = None,
    circle_ids: Iterable[int | str] = (),
    nearby_radius_km: NumberInput = None,
    brand_name: str | None = "",
    model_name: str | None = "",
    pickup: bool | None = True,
    shipping: bool | None = False,
    shipping_price: MoneyInput = None,
    photos: Iterable[File[bytes] | None] = (),
    publish: bool = False,
) -> Listing:
    """Create a listing, as a draft or (with `publish`) on sale at once. Its place is a town's
    name the gazetteer knows, or (the API) any name with its point (`clean_place`).

    Every field is checked before anything is written; a refusal is a DomainError naming what
    to fix, and nothing is saved (no row, no file). A brand or model named outside the catalog
    is recorded as a suggestion to staff."""
    listing, circles = _draft(
        seller,
        NewListing(
            seller.pk,
            title,
            category,
            condition,
            price,
            place,
            latitude,
            longitude,
            description,
            product_model,
            brand,
            currency,
            audience,
            tuple(circle_ids),
            nearby_radius_km,
            brand_name=brand_name,
            model_name=model_name,
            pickup=pickup,
            shipping=shipping,
            shipping_price=shipping_price,
        ),
    )
    uploads = [photo for photo in (photos or []) if photo]
    if len(uploads) > Listing.MAX_PHOTOS:
        raise too_many_photos()
    prepared = [prepared_photo(upload) for upload in uploads]
    listing.save()
    listing.circles.set(circles)
    suggestions_record(listing=listing, seller_id=seller.pk)
    save_photos(listing, prepared, start=0)
    if publish:
        listing_publish(seller=seller, listing=listing)
    return listing


@dataclass(frozen=True)
class NewListing:
    """A listing to write: `listing_create`'s arguments, the seller by id (no photos: in bulk,
    `listing_photos_add`), and, in bulk, when it was written (None: now)."""

    seller_id: int
    title: str | None
    category: CategoryRef
    condition: str | None
    price: MoneyInput
    place: str | None
    latitude: NumberInput
    longitude: NumberInput
    description: str = ""
    product_model: ProductRef = None
    brand: BrandRef = None
    currency: str = Listing.Currency.EUR
    audience: str | None = None
    circle_ids: tuple[int | str, ...] = ()
    nearby_radius_km: NumberInput = None
    at: datetime | None = None
    brand_name: str | None = ""
    model_name: str | None = ""
    pickup: bool | None = True
    shipping: bool | None = False
    shipping_price: MoneyInput = None


def _draft(seller: User | None, row: NewListing) -> tuple[Listing, list[Any]]:
    """A new listing's fields checked (`listing_fields`), as an unsaved draft, and its circles:
    the seller's own ones when `seller` is given, else the chosen ids, for the caller to check
    in bulk."""
    category, product, brand = clean_catalog(row.category, row.product_model, row.brand)
    product, brand, brand_name, model_name = clean_catalog_named(
        category, product, brand, row.brand_name, row.model_name
    )
    pickup, shipping, shipping_price = clean_delivery(row.pickup, row.shipping, row.shipping_price)
    place, latitude, longitude = clean_place(row.place, row.latitude, row.longitude)
    if seller is not None:
        audience, circles = clean_audience(seller, row.audience, row.circle_ids)
        chosen: list[Any] = list(circles)
    else:
        audience, chosen = audience_choice(row.audience, row.circle_ids)
    listing = Listing(
        seller_id=row.seller_id,
        title=clean_title(row.title),
        description=clean_description(row.description),
        category=category,
        product_model=product,
        brand=brand,
        brand_name=brand_name,
        model_name=model_name,
        pickup=pickup,
        shipping=shipping,
        shipping_price=shipping_price,
        condition=clean_choice(row.condition, Listing.Condition, "condition", "bad_condition"),
        price=clean_price(row.price),
        currency=clean_choice(row.currency, Listing.Currency, "currency", "bad_currency"),
        place=place,
        latitude=latitude,
        longitude=longitude,
        audience=audience,
        nearby_radius_km=(
            clean_radius(row.nearby_radius_km) if row.nearby_radius_km not in (None, "") else 10
        ),
        status=Status.DRAFT,
    )
    listing.set_search_words()
    return listing, chosen


@transaction.atomic
def listings_create(*, listings: Sequence[NewListing]) -> list[Listing]:
    """`listing_create` for many drafts at once (the demo, imports, benchmark loaders), under
    its rules (the circles checked as the sellers' in one query), back-dated. Raises DomainError
    naming the first row refused; then nothing is written. Returns the listings, in order; they
    move on through `listings_transition`."""
    drafts = []
    for index, row in enumerate(listings):
        with numbered_rows(index):
            listing, chosen = _draft(None, row)
        drafts.append((listing, [int(pk) for pk in chosen]))
    circles_owned_in_bulk([(listing.seller_id, ids) for listing, ids in drafts])
    written = with_circles_create(Listing, drafts)
    for listing in written:
        if listing.brand_name or listing.model_name:
            suggestions_record(listing=listing, seller_id=listing.seller_id)
    dates = [row.at for row in listings]
    backdate(written, {"created_at": dates, "updated_at": dates})
    return written


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
        "brand_name",
        "model_name",
        "pickup",
        "shipping",
        "shipping_price",
    }
)


@transaction.atomic
def listing_update(*, seller: User, listing: Listing, **fields: Unpack[ListingChanges]) -> Listing:
    """Change some fields of a listing; only its seller, only while draft, active or reserved,
    and not while a moderator has it hidden. A lower price is told to the listing's watchers.

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
    old_price = listing.price

    if {"category", "product_model", "brand", "brand_name", "model_name"} & set(fields):
        listing.category, product, brand = clean_catalog(
            fields.get("category", listing.category),
            fields.get("product_model", listing.product_model),
            # A new product brings its own brand; an explicit brand is checked against it.
            fields.get("brand")
            if "brand" in fields
            else (None if "product_model" in fields else listing.brand),
        )
        listing.product_model, listing.brand, listing.brand_name, listing.model_name = (
            clean_catalog_named(
                listing.category,
                product,
                brand,
                # A brand or model chosen from the list replaces the name the listing had.
                fields.get("brand_name", "" if "brand" in fields else listing.brand_name),
                fields.get("model_name", "" if "product_model" in fields else listing.model_name),
            )
        )
    if {"pickup", "shipping", "shipping_price"} & set(fields):
        listing.pickup, listing.shipping, listing.shipping_price = clean_delivery(
            fields.get("pickup", listing.pickup),
            fields.get("shipping", listing.shipping),
            fields.get("shipping_price", listing.shipping_price),
        )
    if {"place", "latitude", "longitude"} & set(fields):
        place = fields.get("place", listing.place)
        if {"latitude", "longitude"} & set(fields) or same_place(place, listing.place):
            point = (
                fields.get("latitude", listing.latitude),
                fields.get("longitude", listing.longitude),
            )
        else:
            point = (None, None)  # a new place by name: the gazetteer's point for it
        listing.place, listing.latitude, listing.longitude = clean_place(place, *point)
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
            if "circle_ids" not in fields and fields.get("audience", listing.audience) == "circles"
            else []
        )
        listing.audience, circles = clean_audience(
            seller, fields.get("audience", listing.audience), fields.get("circle_ids", current_ids)
        )
    listing.set_search_words()
    listing.save()
    if circles is not None:
        listing.circles.set(circles)
    on_price_changed(listing, old_price)  # watchers hear of a drop after the commit
    suggestions_record(listing=listing, seller_id=seller.pk)
    return listing


@transaction.atomic
def listing_delete(*, seller: User, listing: Listing) -> None:
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
