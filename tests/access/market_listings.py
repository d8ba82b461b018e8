"""Access-matrix rows for the marketplace listings routes (helpers: tests/access/engine.py).

A listing is seen by its audience (plus "nearby": people whose home is within the radius),
never by a blocked pair, and only while on sale, reserved or sold, unless one is its seller;
anyone else gets a 404 as if it did not exist. Only the seller edits it, changes its photos or
moves it through its lifecycle. Rows plant the owner's listing while their address is built
(inside the row's own transaction, rolled back with it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.models import Listing, ListingPhoto
from tests.access.engine import (
    API_ANON,
    LOGIN,
    SIGNED_IN,
    SIGNED_IN_API,
    Row,
    all_but,
    api,
    page,
    per,
)
from tests.factories import LYON, PARIS, category, make_listing, picture, with_home

EVERYONE_SIGNED_IN = " ".join(all_but("anonymous"))
# A draft or withdrawn listing, however public its audience, is its seller's alone.
UNPUBLISHED = ("draft", "withdrawn")

Plant = Callable[[dict], Listing]


class _Picture(SimpleUploadedFile):
    """A small JPEG that reads whole every time: each viewer's request sends it again."""

    def read(self, size=-1):
        if size is None or size < 0:  # the test client sends the whole file: from the start
            self.seek(0)
        return super().read(size)


def _picture() -> _Picture:
    return _Picture("photo.jpg", picture(size=(64, 48)).read(), content_type="image/jpeg")


def _fields(c) -> dict:
    return {
        "title": "A bike for sale",
        "description": "Serviced last spring.",
        "category": category("mountain-bikes").pk,
        "condition": "good",
        "price": "450.00",
        "currency": "EUR",
        "place": "Lyon",
        "latitude": str(LYON[0]),
        "longitude": str(LYON[1]),
        "audience": "public",
    }


def owner_listing(
    audience: str = "public", *, status: str = "active", photo: bool = False, **traits: Any
):
    """Plant a listing of the owner's with this audience and status, through `make_listing`
    (a status past "active" is reached through the lifecycle; `traits` are its others, such as
    `hidden=True`). A "nearby" listing also gives friend_b a home about 5 km away and the
    stranger one in Paris, about 390 km away."""

    def plant(c) -> Listing:
        fields = _fields(c) | {"audience": audience}
        if audience == "circles":
            fields["circle_ids"] = [c["circle_a"].pk]
        if audience == "nearby":
            fields["nearby_radius_km"] = 20
            with_home(c["friend_b"], ("45.80", "4.85"), place="Home")
            with_home(c["stranger"], PARIS, place="Home")
        if photo:
            fields["photos"] = [picture(size=(64, 48))]
        return make_listing(c["owner"], status=status, **fields, **traits)

    return plant


hidden_listing = owner_listing(hidden=True)


def listing_url(name: str, plant=None, *extra):
    plant = plant or owner_listing()

    def build(c) -> str:
        return reverse(name, args=[plant(c).pk, *extra])

    return build


def seller_alone(
    make: Callable[..., Row],
    route: str,
    address: str | Callable[[Plant], Callable[[dict], str]],
    expect: dict[str, int | str] | None = None,
    *,
    statuses: tuple[str, ...] = UNPUBLISHED,
    label: str = "{status}",
    **row: Any,
) -> list[Row]:
    """One row of `route` (`make` is `page` or `api`) per status in `statuses`, on the owner's
    public listing planted in that status. `address` is the URL name that takes the listing's id,
    or a function of the plant that builds the address. Nobody but its seller reaches such a
    listing: `expect` defaults to 404 for all, 200 for the owner."""
    if isinstance(address, str):
        return seller_alone(
            make,
            route,
            lambda plant: listing_url(address, plant),
            expect,
            statuses=statuses,
            label=label,
            **row,
        )
    return [
        make(
            route,
            address(owner_listing(status=status)),
            expect or per(404, owner=200),
            label=label.format(status=status),
            **row,
        )
        for status in statuses
    ]


def photo_url(name: str):
    def build(c) -> str:
        listing = owner_listing(photo=True)(c)
        return reverse(name, args=[listing.pk, listing.photos.get().pk])

    return build


# --- State readers --------------------------------------------------------------------------


def listings(c):
    return sorted(Listing.objects.values_list("seller_id", "title", "status", "price"))


def photos(c):
    return sorted(ListingPhoto.objects.values_list("listing_id", "image"))


# --- Who sees a listing, by its audience ----------------------------------------------------

SEEN_BY = {
    "public": all_but("blocked"),
    "members": all_but("anonymous", "blocked"),
    "fof": ("owner", "friend_a", "friend_b", "fof"),
    "friends": ("owner", "friend_a", "friend_b"),
    "circles": ("owner", "friend_a"),
    "only_me": ("owner",),
    "nearby": ("owner", "friend_b"),
}


def _detail_rows() -> list:
    rows = []
    for audience, able in SEEN_BY.items():
        rows.append(
            page(
                "market/listings/<int:listing_id>/",
                listing_url("marketplace:listing", owner_listing(audience)),
                per(404, **dict.fromkeys(able, 200)),
                label=audience,
            )
        )
        rows.append(
            api(
                "GET /api/market/listings/{listing_id}/",
                listing_url("api-market-listing", owner_listing(audience)),
                per(404, **dict.fromkeys(able, 200)),
                label=audience,
            )
        )
    rows += seller_alone(
        page,
        "market/listings/<int:listing_id>/",
        "marketplace:listing",
        statuses=(*UNPUBLISHED, "expired"),
    )
    rows.append(
        page(
            "market/listings/<int:listing_id>/",
            listing_url("marketplace:listing", hidden_listing),
            per(404, owner=200),
            label="hidden",
        )
    )
    rows.append(
        page(
            "market/listings/<int:listing_id>/",
            listing_url("marketplace:listing", owner_listing(status="sold")),
            per(200, blocked=404),
            label="sold",
        )
    )
    return rows


ONLY_OWNER_PAGE = per(404, anonymous=LOGIN, owner=302)
ONLY_OWNER_API = per(404, anonymous=API_ANON, owner=200)

ROWS: list = [
    # Pages.
    page("market/listings/new/", lambda c: reverse("marketplace:listing_new"), SIGNED_IN),
    page(
        "market/listings/new/",
        lambda c: reverse("marketplace:listing_new"),
        per(302, anonymous=LOGIN),
        label="publish",
        method="POST",
        body=lambda c: _fields(c) | {"publish": "1", "pickup": "on"},
        state=listings,
        changes=EVERYONE_SIGNED_IN,
    ),
    page("market/listings/mine/", lambda c: reverse("marketplace:listing_mine"), SIGNED_IN),
    page(
        "market/listings/new/catalog-fields/",
        lambda c: (
            reverse("marketplace:listing_catalog_fields")
            + f"?category={category('mountain-bikes').pk}"
        ),
        SIGNED_IN,
    ),
    *seller_alone(
        page,
        "market/listings/<int:listing_id>/preview/",
        "marketplace:listing_preview",
        per(404, anonymous=LOGIN, owner=200),
        statuses=("draft", "active"),
    ),
    *_detail_rows(),
    page(
        "market/listings/<int:listing_id>/edit/",
        listing_url("marketplace:listing_edit"),
        per(404, anonymous=LOGIN, owner=200),
    ),
    page(
        "market/listings/<int:listing_id>/edit/",
        listing_url("marketplace:listing_edit"),
        ONLY_OWNER_PAGE,
        label="save",
        method="POST",
        body=lambda c: _fields(c) | {"title": "Renamed bike", "price": "399", "pickup": "on"},
        state=listings,
        changes="owner",
    ),
    page(
        "market/listings/<int:listing_id>/status/",
        listing_url("marketplace:listing_action"),
        ONLY_OWNER_PAGE,
        label="withdraw",
        method="POST",
        body=lambda c: {"action": "withdraw"},
        state=listings,
        changes="owner",
    ),
    page(
        "market/listings/<int:listing_id>/status/",
        listing_url("marketplace:listing_action", owner_listing(status="sold")),
        ONLY_OWNER_PAGE,
        label="withdraw a sold listing: refused",
        method="POST",
        body=lambda c: {"action": "withdraw"},
        state=listings,
    ),
    page(
        "market/listings/<int:listing_id>/photos/",
        listing_url("marketplace:listing_photos_add"),
        ONLY_OWNER_PAGE,
        method="POST",
        body=lambda c: {"photos": _picture()},
        state=photos,
        changes="owner",
    ),
    page(
        "market/listings/<int:listing_id>/photos/<int:photo_id>/delete/",
        photo_url("marketplace:listing_photo_delete"),
        ONLY_OWNER_PAGE,
        method="POST",
        state=photos,
        changes="owner",
    ),
    # API: the catalog is public.
    api("GET /api/market/categories/", lambda c: reverse("api-market-categories"), per(200)),
    api("GET /api/market/brands/", lambda c: reverse("api-market-brands"), per(200)),
    api("GET /api/market/products/", lambda c: reverse("api-market-products"), per(200)),
    # API: listings.
    api(
        "POST /api/market/listings/",
        lambda c: reverse("api-market-listings"),
        per(201, anonymous=API_ANON),
        body=lambda c: _fields(c) | {"publish": True},
        state=listings,
        changes=EVERYONE_SIGNED_IN,
    ),
    api(
        "GET /api/market/listings/mine/",
        lambda c: reverse("api-market-listings-mine"),
        SIGNED_IN_API,
    ),
    api(
        "PATCH /api/market/listings/{listing_id}/",
        listing_url("api-market-listing"),
        ONLY_OWNER_API,
        body=lambda c: {"price": "399.00"},
        state=listings,
        changes="owner",
    ),
    api(
        "PATCH /api/market/listings/{listing_id}/",
        listing_url("api-market-listing"),
        per(404, anonymous=API_ANON, owner=400),
        label="negative price: refused",
        body=lambda c: {"price": "-10"},
        state=listings,
    ),
    api(
        "DELETE /api/market/listings/{listing_id}/",
        listing_url("api-market-listing", owner_listing(status="draft")),
        per(404, anonymous=API_ANON, owner=204),
        state=listings,
        changes="owner",
    ),
    api(
        "POST /api/market/listings/{listing_id}/photos/",
        listing_url("api-market-listing-photos"),
        per(404, anonymous=API_ANON, owner=415),
        label="photos are sent as multipart, not JSON",
        state=photos,
    ),
    api(
        "DELETE /api/market/listings/{listing_id}/photos/{photo_id}/",
        photo_url("api-market-listing-photo"),
        per(404, anonymous=API_ANON, owner=204),
        state=photos,
        changes="owner",
    ),
    api(
        "POST /api/market/listings/{listing_id}/transitions/",
        listing_url("api-market-listing-transitions"),
        ONLY_OWNER_API,
        label="withdraw",
        body=lambda c: {"action": "withdraw"},
        state=listings,
        changes="owner",
    ),
    api(
        "POST /api/market/listings/{listing_id}/transitions/",
        listing_url("api-market-listing-transitions", owner_listing(status="sold")),
        per(404, anonymous=API_ANON, owner=409),
        label="withdraw a sold listing: refused",
        body=lambda c: {"action": "withdraw"},
        state=listings,
    ),
]
