"""Listings: what a seller puts up for sale, its photos, and its lifecycle.

Every change of a listing's status goes through `listing_transition`, which allows only the
moves in `TRANSITIONS` (draft → active → reserved → sold, or withdrawn, or expired) and refuses
anything else with a message a person can act on. Other features (offers, sales) call it or its
named wrappers; nothing else writes `Listing.status`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.images import clean_image
from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import (
    Brand,
    Category,
    Listing,
    ListingAudience,
    ListingPhoto,
    ProductModel,
)
from marketplace.services.money import MoneyWords, clean_money
from marketplace.services.search import on_listing_published
from social.services.circles import owned_circles
from social.services.notifications import notify

Status = Listing.Status

# The only moves a listing's status can make. Sold is final; a withdrawn or expired listing can
# be put up again (relisted). Sold comes only after a reservation (an accepted offer), so every
# sale here has a buyer.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
    Status.ACTIVE: frozenset({Status.RESERVED, Status.WITHDRAWN, Status.EXPIRED}),
    Status.RESERVED: frozenset({Status.ACTIVE, Status.SOLD, Status.WITHDRAWN}),
    Status.SOLD: frozenset(),
    Status.WITHDRAWN: frozenset({Status.ACTIVE}),
    Status.EXPIRED: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
}

# How a refusal reads: "A sold listing can't be withdrawn."
_VERB = {
    Status.DRAFT: "turned back into a draft",
    Status.ACTIVE: "published",
    Status.RESERVED: "reserved",
    Status.SOLD: "marked sold",
    Status.WITHDRAWN: "withdrawn",
    Status.EXPIRED: "expired",
}

EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.ACTIVE, Status.RESERVED})
EXPIRE_AFTER = timedelta(days=60)
MAX_PHOTO_SIDE = 1600
THUMBNAIL_SIDE = 400
TITLE_MIN_LENGTH = 3
PLACE_MAX_LENGTH = Listing._meta.get_field("place").max_length
RADIUS_MIN_KM, RADIUS_MAX_KM = 1, 500


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"


# --- lifecycle ------------------------------------------------------------------------------


@transaction.atomic
def listing_transition(listing: Listing, to_status: str) -> Listing:
    """Move `listing` to `to_status` if `TRANSITIONS` allows it; returns the same object, updated.

    The row is locked first, so two requests racing (two offers accepted, a sale and a
    withdrawal) see each other's result: the second is refused. Publishing or relisting stamps
    `published_at` (the 60-day expiry counts from it); selling stamps `sold_at`.
    Raises `Conflict` (a `DomainError`, 409) naming the refused move, and changes nothing."""
    if to_status not in Status.values:
        raise DomainError(f"Unknown listing status “{to_status}”.", code="bad_status")
    current = Listing.objects.select_for_update().only("status", "published_at").get(pk=listing.pk)
    from_status = current.status
    if from_status == to_status:
        raise Conflict(
            f"This listing is already {Status(to_status).label.lower()}.", code="same_status"
        )
    if to_status not in TRANSITIONS[from_status]:
        label = Status(from_status).label.lower()
        raise Conflict(
            f"{_article(label)} {label} listing can't be {_VERB[Status(to_status)]}.",
            code="illegal_transition",
        )
    now = timezone.now()
    listing.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Status.ACTIVE and from_status != Status.RESERVED:
        listing.published_at = now
        fields.append("published_at")
    if to_status == Status.SOLD:
        listing.sold_at = now
        fields.append("sold_at")
    listing.save(update_fields=fields)
    return listing


# The name the lifecycle is described by elsewhere; one implementation.
_transition = listing_transition


def listing_mark_reserved(listing: Listing) -> Listing:
    """Reserve an active listing (an offer was accepted). Conflict if it is not active."""
    return listing_transition(listing, Status.RESERVED)


def listing_mark_sold(listing: Listing) -> Listing:
    """Mark a reserved listing sold. Conflict if it is not reserved."""
    return listing_transition(listing, Status.SOLD)


def listing_unreserve(listing: Listing) -> Listing:
    """Put a reserved listing back on sale (the accepted offer fell through)."""
    return listing_transition(listing, Status.ACTIVE)


def _own(seller, listing: Listing) -> None:
    if listing.seller_id != getattr(seller, "pk", None):
        raise NotAllowed("Only the seller can change this listing.", code="not_seller")


def _check_publishable(listing: Listing) -> None:
    if listing.hidden:
        raise NotAllowed(
            "A moderator hid this listing; it can't be put up again.", code="hidden_listing"
        )


@transaction.atomic
def listing_publish(*, seller, listing: Listing) -> Listing:
    """Put a draft on sale for its audience. NotAllowed for anyone but the seller."""
    _own(seller, listing)
    _check_publishable(listing)
    if listing.status != Status.DRAFT:
        _refuse(listing, "publish")
    listing = listing_transition(listing, Status.ACTIVE)
    on_listing_published(listing)  # saved searches that match hear of it after the commit
    return listing


def _refuse(listing: Listing, action: str):
    label = Status(listing.status).label.lower()
    hint = {
        "publish": "Only a draft can be published; relist a withdrawn or expired one.",
        "relist": "Only a withdrawn or expired listing can be relisted.",
    }[action]
    raise Conflict(
        f"{_article(label)} {label} listing can't be {action}ed. {hint}",
        code="illegal_transition",
    )


@transaction.atomic
def listing_withdraw(*, seller, listing: Listing) -> Listing:
    """Take a listing off sale (from draft, active, reserved or expired). Sold is final."""
    _own(seller, listing)
    return listing_transition(listing, Status.WITHDRAWN)


@transaction.atomic
def listing_relist(*, seller, listing: Listing) -> Listing:
    """Put a withdrawn or expired listing on sale again, for another 60 days."""
    _own(seller, listing)
    _check_publishable(listing)
    if listing.status not in (Status.WITHDRAWN, Status.EXPIRED):
        _refuse(listing, "relist")
    return listing_transition(listing, Status.ACTIVE)


SELLER_ACTIONS = {
    "publish": listing_publish,
    "withdraw": listing_withdraw,
    "relist": listing_relist,
}


def listing_act(*, seller, listing: Listing, action: str) -> Listing:
    """One of the seller's own moves by name ("publish", "withdraw", "relist")."""
    try:
        service = SELLER_ACTIONS[action]
    except KeyError:
        raise DomainError(
            f"Unknown action “{action}”. Choose one of: {', '.join(SELLER_ACTIONS)}.",
            code="bad_action",
        ) from None
    return service(seller=seller, listing=listing)


def listings_expire(*, now=None) -> int:
    """Expire active listings published more than 60 days ago and tell each seller.

    Each listing moves in its own transaction through `listing_transition`, so one that was
    reserved or withdrawn meanwhile is skipped, and a rerun does nothing twice. Returns how many
    expired."""
    now = now or timezone.now()
    due = Listing.objects.filter(status=Status.ACTIVE, published_at__lt=now - EXPIRE_AFTER)
    expired = 0
    for listing in due.select_related("seller").iterator():
        try:
            with transaction.atomic():
                listing_transition(listing, Status.EXPIRED)
                notify(
                    recipient=listing.seller,
                    kind="listing_expired",
                    text=(
                        f"Your listing “{listing.title}” expired after 60 days. "
                        "Relist it if it is still for sale."
                    ),
                    url=reverse("marketplace:listing_mine"),
                )
        except Conflict:
            continue
        expired += 1
    return expired


# --- fields ---------------------------------------------------------------------------------


def _clean_title(title: Any) -> str:
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


def _clean_description(description: Any) -> str:
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


def _clean_price(price: Any) -> Decimal:
    return clean_money(price, maximum=Listing.MAX_PRICE, words=PRICE_WORDS)


def _clean_choice(value: Any, choices, what: str, code: str) -> str:
    if value not in choices.values:
        raise DomainError(
            f"Choose the {what} among: {', '.join(str(label) for label in choices.labels)}.",
            code=code,
            field=what,
        )
    return value


def _by_id(model, value: Any, message: str, code: str, field: str):
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=int(value))
    except (model.DoesNotExist, ValueError, TypeError):
        raise DomainError(message, code=code, field=field) from None


def _clean_catalog(category: Any, product_model: Any, brand: Any):
    """The category, product model and brand, checked against one another."""
    if category in (None, ""):
        raise DomainError("Choose a category.", code="no_category", field="category")
    category = _by_id(
        Category, category, "Choose a category from the list.", "no_category", "category"
    )
    product = None
    if product_model not in (None, ""):
        product = _by_id(
            ProductModel,
            product_model,
            "Choose a product from the list.",
            "no_product",
            "product_model",
        )
    brand_obj = None
    if brand not in (None, ""):
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


def _clean_coordinate(value: Any, low: int, high: int, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(
            f"Give the {what} as a number.", code="bad_coordinates", field="latitude"
        ) from None
    if not number.is_finite() or not low <= number <= high:
        raise DomainError(
            f"The {what} must be between {low} and {high}.",
            code="bad_coordinates",
            field="latitude",
        )
    return number.quantize(Decimal("0.00001"))


def _clean_place(place: Any, latitude: Any, longitude: Any):
    place = " ".join(str(place or "").split())
    if not place:
        raise DomainError(
            "Say where the item is (a town or neighbourhood).", code="no_place", field="place"
        )
    if len(place) > PLACE_MAX_LENGTH:
        raise DomainError(
            f"Keep the place to {PLACE_MAX_LENGTH} characters.", code="long_place", field="place"
        )
    if latitude in (None, "") or longitude in (None, ""):
        raise DomainError(
            "Pick the place on the map (latitude and longitude).",
            code="no_coordinates",
            field="latitude",
        )
    return (
        place,
        _clean_coordinate(latitude, -90, 90, "latitude"),
        _clean_coordinate(longitude, -180, 180, "longitude"),
    )


def _clean_radius(radius: Any) -> int:
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


def _clean_audience(seller, audience: Any, circle_ids: Iterable[Any]):
    audience = audience or ListingAudience.FRIENDS
    if audience not in ListingAudience.values:
        raise DomainError(
            f"Unknown audience “{audience}”. Choose one of: {', '.join(ListingAudience.values)}.",
            code="bad_audience",
            field="audience",
        )
    circle_ids = [pk for pk in (circle_ids or []) if str(pk).strip()]
    if audience == ListingAudience.CIRCLES:
        if not circle_ids:
            raise DomainError("Choose at least one circle.", code="no_circle", field="circles")
        try:
            return audience, owned_circles(owner=seller, circle_ids=circle_ids)
        except (ValueError, TypeError):
            raise DomainError(
                "Choose only among your own circles.", code="foreign_circle", field="circles"
            ) from None
    if circle_ids:
        raise DomainError(
            "Circles can be chosen only with the “Chosen circles” audience.",
            code="circles_without_audience",
            field="circles",
        )
    return audience, []


# --- photos ---------------------------------------------------------------------------------


def make_thumbnail(image: ContentFile) -> ContentFile:
    """A small copy (at most 400 px a side) of an already cleaned image. Made once, at upload;
    pages show it and never resize anything."""
    image.seek(0)
    with Image.open(image) as picture:
        picture.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        out = io.BytesIO()
        if picture.mode in ("RGBA", "LA", "P"):
            picture.save(out, format="PNG", optimize=True)
            extension = "png"
        else:
            picture.convert("RGB").save(out, format="JPEG", quality=80, optimize=True)
            extension = "jpg"
    image.seek(0)
    return ContentFile(out.getvalue(), name=f"thumbnail.{extension}")


def _prepared_photo(upload) -> tuple[ContentFile, ContentFile]:
    """Check one upload and make its stripped copy and thumbnail, before anything is saved."""
    try:
        image = clean_image(upload, max_side=MAX_PHOTO_SIDE, name="photo")
    except ValidationError as error:
        name = getattr(upload, "name", "") or "This file"
        raise DomainError(
            f"{name}: {' '.join(error.messages)}", code="bad_photo", field="photos"
        ) from None
    return image, make_thumbnail(image)


def _too_many_photos() -> DomainError:
    return DomainError(
        f"A listing can have at most {Listing.MAX_PHOTOS} photos; remove one first.",
        code="too_many_photos",
        field="photos",
    )


def _save_photos(listing: Listing, prepared: list[tuple[ContentFile, ContentFile]], start: int):
    photos = []
    for offset, (image, thumbnail) in enumerate(prepared):
        photo = ListingPhoto(listing=listing, position=start + offset)
        photo.image.save(image.name, image, save=False)
        photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        photo.save()
        photos.append(photo)
    return photos


def _delete_files_on_commit(photos: Iterable[ListingPhoto]) -> None:
    files = [(field.storage, field.name) for p in photos for field in (p.image, p.thumbnail)]

    def delete() -> None:
        for storage, name in files:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


def _locked(listing: Listing) -> Listing:
    return Listing.objects.select_for_update().get(pk=listing.pk)


@transaction.atomic
def listing_photo_add(*, seller, listing: Listing, image) -> ListingPhoto:
    """Add one photo (checked, EXIF stripped, at most 1600 px, thumbnail made now).

    Raises NotAllowed for anyone but the seller, DomainError for a file that is not a picture
    or too large, or for an 11th photo."""
    _own(seller, listing)
    _check_editable(listing)
    current = _locked(listing)
    count = current.photos.count()
    if count >= Listing.MAX_PHOTOS:
        raise _too_many_photos()
    prepared = _prepared_photo(image)
    last = current.photos.order_by("-position").values_list("position", flat=True).first()
    return _save_photos(listing, [prepared], start=(last + 1) if last is not None else 0)[0]


@transaction.atomic
def listing_photo_remove(*, seller, listing: Listing, photo_id: int) -> None:
    """Remove one of the listing's photos (and its files, once the change is committed)."""
    _own(seller, listing)
    _check_editable(listing)
    try:
        photo = listing.photos.get(pk=int(photo_id))
    except (ListingPhoto.DoesNotExist, ValueError, TypeError):
        raise NotFound("This listing has no such photo.", code="no_photo") from None
    photo.delete()
    _delete_files_on_commit([photo])


@transaction.atomic
def listing_photos_reorder(*, seller, listing: Listing, photo_ids: list[int]) -> None:
    """Put the listing's photos in this order; the first one is the cover."""
    _own(seller, listing)
    _check_editable(listing)
    photos = {photo.pk: photo for photo in listing.photos.all()}
    try:
        ids = [int(pk) for pk in photo_ids]
    except (ValueError, TypeError):
        raise DomainError("Name the photos by their ids.", code="bad_order") from None
    if sorted(ids) != sorted(photos):
        raise DomainError("Name every photo of the listing exactly once.", code="bad_order")
    for position, pk in enumerate(ids):
        photos[pk].position = position
    ListingPhoto.objects.bulk_update(photos.values(), ["position"])


# --- create and edit ------------------------------------------------------------------------


def _check_editable(listing: Listing) -> None:
    if listing.status not in EDITABLE_STATUSES:
        label = Status(listing.status).label.lower()
        raise Conflict(
            f"{_article(label)} {label} listing can't be edited"
            + ("." if listing.status == Status.SOLD else "; relist it first."),
            code="not_editable",
        )


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
    category, product, brand = _clean_catalog(category, product_model, brand)
    place, latitude, longitude = _clean_place(place, latitude, longitude)
    audience, circles = _clean_audience(seller, audience, circle_ids)
    photos = [photo for photo in (photos or []) if photo]
    if len(photos) > Listing.MAX_PHOTOS:
        raise _too_many_photos()
    listing = Listing(
        seller=seller,
        title=_clean_title(title),
        description=_clean_description(description),
        category=category,
        product_model=product,
        brand=brand,
        condition=_clean_choice(condition, Listing.Condition, "condition", "bad_condition"),
        price=_clean_price(price),
        currency=_clean_choice(currency, Listing.Currency, "currency", "bad_currency"),
        place=place,
        latitude=latitude,
        longitude=longitude,
        audience=audience,
        nearby_radius_km=(
            _clean_radius(nearby_radius_km) if nearby_radius_km not in (None, "") else 10
        ),
        status=Status.DRAFT,
    )
    prepared = [_prepared_photo(photo) for photo in photos]
    listing.save()
    listing.circles.set(circles)
    _save_photos(listing, prepared, start=0)
    if publish:
        listing_transition(listing, Status.ACTIVE)
        on_listing_published(listing)
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
    _own(seller, listing)
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise DomainError(
            f"These can't be changed here: {', '.join(sorted(unknown))}.", code="bad_field"
        )
    listing = _locked(listing)
    _check_editable(listing)

    def given(name: str, current: Any) -> Any:
        return fields[name] if name in fields else current

    if {"category", "product_model", "brand"} & set(fields):
        listing.category, listing.product_model, listing.brand = _clean_catalog(
            given("category", listing.category),
            given("product_model", listing.product_model),
            # A new product brings its own brand; an explicit brand is checked against it.
            fields.get("brand")
            if "brand" in fields
            else (None if "product_model" in fields else listing.brand),
        )
    if {"place", "latitude", "longitude"} & set(fields):
        listing.place, listing.latitude, listing.longitude = _clean_place(
            given("place", listing.place),
            given("latitude", listing.latitude),
            given("longitude", listing.longitude),
        )
    if "title" in fields:
        listing.title = _clean_title(fields["title"])
    if "description" in fields:
        listing.description = _clean_description(fields["description"])
    if "condition" in fields:
        listing.condition = _clean_choice(
            fields["condition"], Listing.Condition, "condition", "bad_condition"
        )
    if "price" in fields:
        listing.price = _clean_price(fields["price"])
    if "currency" in fields:
        listing.currency = _clean_choice(
            fields["currency"], Listing.Currency, "currency", "bad_currency"
        )
    if "nearby_radius_km" in fields and fields["nearby_radius_km"] not in (None, ""):
        listing.nearby_radius_km = _clean_radius(fields["nearby_radius_km"])
    circles = None
    if "audience" in fields or "circle_ids" in fields:
        current_ids = (
            list(listing.circles.values_list("pk", flat=True))
            if "circle_ids" not in fields and given("audience", listing.audience) == "circles"
            else []
        )
        listing.audience, circles = _clean_audience(
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
    _own(seller, listing)
    if listing.status != Status.DRAFT:
        raise Conflict(
            "Only a draft can be deleted; withdraw a published listing instead.",
            code="not_draft",
        )
    photos = list(listing.photos.all())
    listing.delete()
    _delete_files_on_commit(photos)
