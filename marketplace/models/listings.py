"""Listings: second-hand things a seller puts up for sale, their photos, and watchlists.

Who may see a listing is decided by the one audience policy (`social.audience`), which listings
extend with "nearby": anyone signed in whose home is within the seller's radius. A listing's
exact coordinates are shown to the seller's friends only; everyone else sees them rounded to
about 1 km (`Listing.public_latitude`).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import round_coordinate
from marketplace.geo import within_radius_of
from marketplace.models.catalog import Brand, Category, ProductModel
from marketplace.search.words import words_column
from social.audience import Audience, AudienceQuerySet
from social.models import Circle


def _rounded(coordinate: Decimal) -> Decimal:
    rounded = round_coordinate(coordinate)
    if rounded is None:  # not for a listing: its coordinates are required
        raise ValueError("A listing's coordinates are required.")
    return rounded


class ListingAudience(models.TextChoices):
    """The audience policy's audiences, plus "nearby"."""

    PUBLIC = Audience.PUBLIC.value, Audience.PUBLIC.label
    MEMBERS = Audience.MEMBERS.value, Audience.MEMBERS.label
    FOF = Audience.FOF.value, Audience.FOF.label
    FRIENDS = Audience.FRIENDS.value, Audience.FRIENDS.label
    CIRCLES = Audience.CIRCLES.value, Audience.CIRCLES.label
    ONLY_ME = Audience.ONLY_ME.value, Audience.ONLY_ME.label
    NEARBY = "nearby", "Anyone nearby"


class ListingQuerySet(AudienceQuerySet):
    def extra_audiences(self, viewer) -> Q:
        """ "Nearby": the viewer's home (rounded, from their profile) is within the radius."""
        profile = getattr(viewer, "profile", None)
        if profile is None or not profile.has_home:
            return Q(pk__in=[])
        return Q(audience=ListingAudience.NEARBY) & within_radius_of(
            profile.home_latitude, profile.home_longitude, radius_field="nearby_radius_km"
        )

    def live(self) -> ListingQuerySet:
        """Listings a buyer can still act on or look at: active and reserved."""
        return self.filter(status__in=[Listing.Status.ACTIVE, Listing.Status.RESERVED])

    def openable_by(self, viewer) -> ListingQuerySet:
        """The listings `viewer` may open (the listing page, its deals panel, the report form):
        their own in any state; anyone else's by its audience and blocks (`visible_to`), only
        while published (`Listing.SHOWN_TO_OTHERS`) and not hidden by a moderator. A draft, a
        withdrawn or an expired listing is its seller's alone: for anyone else it does not exist.
        Pure SQL; anonymous visitors get the published public listings."""
        others = Q(status__in=Listing.SHOWN_TO_OTHERS, hidden=False)
        visible = self.visible_to(viewer)
        if viewer is not None and getattr(viewer, "is_authenticated", False):
            return visible.filter(Q(seller_id=viewer.pk) | others)
        return visible.filter(others)


class Listing(models.Model):
    class Condition(models.TextChoices):
        NEW = "new", "New"
        LIKE_NEW = "like_new", "Like new"
        GOOD = "good", "Good"
        FAIR = "fair", "Fair"
        FOR_PARTS = "for_parts", "For parts"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        RESERVED = "reserved", "Reserved"
        SOLD = "sold", "Sold"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    # What people other than the seller may open; drafts, withdrawn and expired listings are
    # their seller's alone (`ListingQuerySet.openable_by`).
    SHOWN_TO_OTHERS = (Status.ACTIVE, Status.RESERVED, Status.SOLD)

    class Currency(models.TextChoices):
        EUR = "EUR", "€"
        GBP = "GBP", "£"
        USD = "USD", "$"

    MAX_PHOTOS = 10
    MAX_PRICE = Decimal("1000000")
    MAX_SHIPPING_PRICE = Decimal("10000")
    TITLE_MAX_LENGTH = 120
    PLACE_MAX_LENGTH = 120
    DESCRIPTION_MAX_LENGTH = 5000

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listings"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="listings")
    product_model = models.ForeignKey(
        ProductModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="listings"
    )
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="listings"
    )
    condition = models.CharField(max_length=10, choices=Condition)
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PRICE)],
    )
    currency = models.CharField(max_length=3, choices=Currency, default=Currency.EUR)
    place = models.CharField(max_length=PLACE_MAX_LENGTH)
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    audience = models.CharField(
        max_length=10, choices=ListingAudience, default=ListingAudience.FRIENDS
    )
    circles = models.ManyToManyField(Circle, blank=True, related_name="listings")
    nearby_radius_km = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    brand_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="A brand the seller named that is not in the catalog (a suggestion to staff).",
    )
    model_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="A model the seller named that is not in the catalog (a suggestion to staff).",
    )
    pickup = models.BooleanField(default=True, help_text="The buyer may collect it.")
    shipping = models.BooleanField(default=False, help_text="The seller sends it.")
    shipping_price = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What sending costs the buyer; set only with shipping.",
    )
    # The words the search matches (`marketplace.search`): the title's, and the description's
    # with the brand and model, folded and made singular, each between spaces. Derived from the
    # fields above by `set_search_words`, which every writer calls (the listing services; the
    # data migration 0012 for the rows before it).
    title_words = models.TextField(blank=True, default="", editable=False)
    body_words = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    sold_at = models.DateTimeField(null=True, blank=True)

    # Not columns: what a search result or a watchlist entry carries for its card
    # (`marketplace.selectors.search`): the first photo, the page's address.
    cover: ListingPhoto | None
    url: str

    objects = ListingQuerySet.as_manager()
    owner_field = "seller"
    moderation_field = "hidden"  # hidden listings are seen by their seller alone

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0) & Q(price__lte=Decimal("1000000")),
                name="listing_price_in_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="listing_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(nearby_radius_km__gte=1, nearby_radius_km__lte=500),
                name="listing_radius_in_range",
            ),
            # A buyer must have a way to get it: collect it, or have it sent.
            models.CheckConstraint(
                condition=Q(pickup=True) | Q(shipping=True), name="listing_has_delivery"
            ),
            # Shipping has a price (zero: free); without shipping there is none.
            models.CheckConstraint(
                condition=Q(
                    shipping=True,
                    shipping_price__isnull=False,
                    shipping_price__gte=0,
                    shipping_price__lte=Decimal("10000"),
                )
                | Q(shipping=False, shipping_price__isnull=True),
                name="listing_shipping_price",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "latitude", "longitude"], name="listing_status_geo"),
            models.Index(fields=["seller", "status"], name="listing_seller_status"),
            models.Index(fields=["category", "status"], name="listing_category_status"),
            models.Index(fields=["status", "-published_at"], name="listing_status_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def set_search_words(self) -> None:
        """Fill `title_words` and `body_words` from the title, the description, the brand and
        the model, as the search compares words ("Vélos" is "velo")."""
        brand = self.brand.name if self.brand_id and self.brand else ""
        product = self.product_model.name if self.product_model_id and self.product_model else ""
        self.title_words = words_column(self.title)
        self.body_words = words_column(
            self.description, brand, self.brand_name, product, self.model_name
        )

    @property
    def public_latitude(self) -> Decimal:
        """The latitude rounded to about 1 km, as everyone but the seller's friends sees it."""
        return _rounded(self.latitude)

    @property
    def public_longitude(self) -> Decimal:
        """The longitude rounded to about 1 km, as everyone but the seller's friends sees it."""
        return _rounded(self.longitude)

    @property
    def delivery_label(self) -> str:
        """How the buyer gets it, in words: "Pickup", "Shipping" or "Pickup or shipping"."""
        ways = [label for on, label in ((self.pickup, "pickup"), (self.shipping, "shipping")) if on]
        return " or ".join(ways).capitalize()

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.RESERVED)


def listing_photo_path(instance: ListingPhoto, filename: str) -> str:
    return f"listings/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:8]}"


class ListingPhoto(models.Model):
    """A photo, checked and stripped on upload, with its thumbnail made once."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=listing_photo_path)
    thumbnail = models.ImageField(upload_to=listing_photo_path)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Photo {self.position} of {self.listing_id}"


class Watch(models.Model):
    """A listing on someone's watchlist."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="watchers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "listing"], name="one_watch")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.listing_id}"
