"""Listings, made through the listing service (`listing_create`, the lifecycle), and pictures
to upload with them.

Three presets, one way underneath: `make_listing` (the listing tests' defaults: a public bike
in central Lyon, in a category of its own), `marlin_for_sale` (the deals tests' Trek Marlin 7,
for signed-in members) and `listing_for` (the search tests' listing in a given category and
place). Each takes the traits below.
"""

from __future__ import annotations

import io
import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from marketplace.models import Category, Listing
from marketplace.services.listing_lifecycle import listing_transition
from marketplace.services.listings import listing_create
from tests.factories.catalog import make_category, make_product
from tests.factories.moderation import hidden_by_moderator
from tests.factories.places import AMSTERDAM, LYON

Status = Listing.Status

# How the lifecycle reaches each status from "active" (marketplace.services.listing_lifecycle).
_PATH_FROM_ACTIVE: dict[str, tuple[str, ...]] = {
    Status.ACTIVE: (),
    Status.RESERVED: (Status.RESERVED,),
    Status.SOLD: (Status.RESERVED, Status.SOLD),
    Status.WITHDRAWN: (Status.WITHDRAWN,),
    Status.EXPIRED: (Status.EXPIRED,),
}


def listing_fields(**overrides: Any) -> dict[str, Any]:
    """What `make_listing` hands `listing_create`: a public bike in central Lyon, in a new
    category of its own, with `overrides` on top (for tests of the service's refusals)."""
    fields: dict[str, Any] = {
        "title": "Trek Marlin 7, size M",
        "description": "Serviced last spring, new tyres.",
        "condition": Listing.Condition.GOOD,
        "price": "450.00",
        "place": "Lyon, Croix-Rousse",
        "latitude": LYON[0],
        "longitude": LYON[1],
        "audience": "public",
        **overrides,
    }
    if "category" not in fields:
        fields["category"] = make_category()
    return fields


def make_listing(
    seller: User,
    *,
    publish: bool = True,
    status: str | None = None,
    published_days_ago: int = 0,
    hidden: bool = False,
    **fields: Any,
) -> Listing:
    """A listing created by `seller` through `listing_create`, published unless `publish=False`
    (or `status="draft"`); `fields` are the service's.

    Traits, for states a test needs without the story that leads there:
    - `status`: the listing is moved there through the lifecycle (`listing_transition`), with
      no offer behind a reservation or a sale: tests of what a status shows or refuses do not
      need a buyer.
    - `published_days_ago`: `published_at` is set back that many days, which no service does
      (publishing stamps now): for the 60-day expiry and "newest first".
    - `hidden`: hidden as a moderator leaves it (`hidden_by_moderator`)."""
    values = listing_fields(**fields)
    draft = status == Status.DRAFT or not publish
    listing = listing_create(seller=seller, publish=not draft, **values)
    for step in () if draft or status is None else _PATH_FROM_ACTIVE[status]:
        listing_transition(listing, step)
    if published_days_ago:
        listing.published_at = timezone.now() - timedelta(days=published_days_ago)
        listing.save(update_fields=["published_at"])
    if hidden:
        hidden_by_moderator(listing)
    return listing


def marlin_for_sale(seller: User, **fields: Any) -> Listing:
    """The deals tests' listing: the seeded Trek Marlin 7, on sale in Lyon to signed-in
    members (`make_listing` with its traits)."""
    marlin = make_product()
    values: dict[str, Any] = {
        "title": "Trek Marlin 7, 2022",
        "description": "",
        "category": marlin.category,
        "product_model": marlin,
        "brand": marlin.brand,
        "place": "Lyon",
        "latitude": Decimal("45.76400"),
        "longitude": Decimal("4.83570"),
        "audience": "members",
        **fields,
    }
    return make_listing(seller, **values)


def listing_for(
    seller: User,
    category: Category,
    *,
    title: str | None = None,
    price: str = "100",
    at: tuple[float, float] = AMSTERDAM,
    audience: str = "members",
    age_days: int = 0,
    **fields: Any,
) -> Listing:
    """The search tests' listing: in `category`, at `at`, for signed-in members, published
    `age_days` ago (`make_listing` with its traits)."""
    values: dict[str, Any] = {
        "title": title or f"Thing {next(_titles)}",
        "description": "",
        "category": category,
        "price": price,
        "place": "Somewhere",
        "latitude": Decimal(str(at[0])),
        "longitude": Decimal(str(at[1])),
        "audience": audience,
        **fields,
    }
    return make_listing(seller, published_days_ago=age_days, **values)


_titles = itertools.count()


def picture(
    name: str = "photo.jpg",
    *,
    size: tuple[int, int] = (800, 600),
    fmt: str = "JPEG",
    color: str = "teal",
) -> SimpleUploadedFile:
    """An uploaded picture of `size` pixels."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def not_a_picture(name: str = "photo.jpg") -> SimpleUploadedFile:
    """An upload that claims to be a JPEG and is not."""
    return SimpleUploadedFile(name, b"%PDF-1.4 not a picture at all", content_type="image/jpeg")
