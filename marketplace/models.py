"""The marketplace: a catalog of things, second-hand listings of them, and what happens between a
buyer and a seller (questions, conversations, offers, purchases), then reviews and reports.

Who may see a listing or a review is decided by the one audience policy (`social.audience`),
which listings extend with "nearby": anyone signed in whose home is within the seller's radius.
A listing's exact coordinates are shown to the seller's friends only; everyone else sees them
rounded to about 1 km (`Listing.public_latitude`).
"""

from __future__ import annotations

import math
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.models import round_coordinate
from config.indexes import CoveringIndex
from social.audience import Audience, AudienceQuerySet
from social.models import Circle, Topic

EARTH_RADIUS_KM = 6371.0088


class Category(models.Model):
    """A node of the category tree (Bikes > Mountain bikes). Staff extend it in the admin."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="categories",
        help_text="What people call it in posts: links posts about bikes to the Bikes category.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(Lower("name"), "parent", name="category_name_unique_in_parent"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="category_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name

    def with_descendants(self) -> list[int]:
        """This category's id and every id below it (the tree is small: one query)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent in Category.objects.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
        ids, todo = [], [self.pk]
        while todo:
            current = todo.pop()
            ids.append(current)
            todo.extend(children.get(current, []))
        return ids

    @property
    def root(self) -> Category:
        node = self
        while node.parent_id:
            node = node.parent
        return node


class Brand(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductModel(models.Model):
    """A thing people buy and review (Trek Marlin 7), so purchases and reviews aggregate."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=160, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")

    class Meta:
        ordering = ["brand__name", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "brand", name="product_unique_per_brand")
        ]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}"


class ListingAudience(models.TextChoices):
    """The audience policy's audiences, plus "nearby"."""

    PUBLIC = Audience.PUBLIC.value, Audience.PUBLIC.label
    MEMBERS = Audience.MEMBERS.value, Audience.MEMBERS.label
    FOF = Audience.FOF.value, Audience.FOF.label
    FRIENDS = Audience.FRIENDS.value, Audience.FRIENDS.label
    CIRCLES = Audience.CIRCLES.value, Audience.CIRCLES.label
    ONLY_ME = Audience.ONLY_ME.value, Audience.ONLY_ME.label
    NEARBY = "nearby", "Anyone nearby"


def distance_km(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance in km (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


class ListingQuerySet(AudienceQuerySet):
    def extra_audiences(self, viewer) -> Q:
        """ "Nearby": the viewer's home (rounded, from their profile) is within the radius."""
        from marketplace.geo import within_radius_of

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
    TITLE_MAX_LENGTH = 120
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
    place = models.CharField(max_length=120)
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    audience = models.CharField(
        max_length=10, choices=ListingAudience, default=ListingAudience.FRIENDS
    )
    circles = models.ManyToManyField(Circle, blank=True, related_name="listings")
    nearby_radius_km = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    sold_at = models.DateTimeField(null=True, blank=True)

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
        ]
        indexes = [
            models.Index(fields=["status", "latitude", "longitude"], name="listing_status_geo"),
            models.Index(fields=["seller", "status"], name="listing_seller_status"),
            models.Index(fields=["category", "status"], name="listing_category_status"),
            models.Index(fields=["status", "-published_at"], name="listing_status_published"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public_latitude(self) -> Decimal:
        return round_coordinate(self.latitude)

    @property
    def public_longitude(self) -> Decimal:
        return round_coordinate(self.longitude)

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


class Question(models.Model):
    """A public question on a listing, answered by the seller; seen by the listing's audience."""

    TEXT_MAX_LENGTH = 1000

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listing_questions"
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    answer = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Conversation(models.Model):
    """The private thread between one buyer and the seller about one listing. Only a buyer
    starts one (see `marketplace.services.conversations`)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="conversations")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buyer_conversations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "buyer"], name="one_conversation_per_buyer")
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id} about {self.listing_id}"


class Message(models.Model):
    TEXT_MAX_LENGTH = 2000

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_messages"
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Offer(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="offers")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers_made"
    )
    amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Listing.MAX_PRICE)],
    )
    message = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # However two requests race, a listing has at most one accepted offer.
            models.UniqueConstraint(
                fields=["listing"], condition=Q(status="accepted"), name="one_accepted_offer"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="offer_amount_positive"),
        ]
        indexes = [models.Index(fields=["buyer", "status"], name="offer_buyer_status")]

    def __str__(self) -> str:
        return f"{self.amount} for {self.listing_id} ({self.status})"


class Purchase(models.Model):
    """Something a person bought: here (from an accepted offer, verified) or elsewhere
    (declared by the buyer, not verified).

    A sale made here is both sides' record: erasing one of them clears their link and keeps the
    row for the other (the seller's sales, the buyer's purchases); it goes once neither side is
    left (`marketplace.personal_data`)."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="purchases",
        help_text="Empty once the buyer's account is erased (the seller's record of the sale "
        "stays).",
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sales",
    )
    listing = models.OneToOneField(
        Listing, null=True, blank=True, on_delete=models.SET_NULL, related_name="purchase"
    )
    product_model = models.ForeignKey(
        ProductModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="purchases"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="purchases")
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="purchases"
    )
    description = models.CharField(max_length=200, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Listing.Currency, blank=True)
    verified = models.BooleanField(default=False, help_text="Bought here, from an accepted offer.")
    purchased_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-purchased_on", "-id"]
        indexes = [
            # It also carries brand and verified: a network's purchases of a topic are read from
            # the index alone (social search; PostgreSQL, SQLite gets the plain index).
            CoveringIndex(
                fields=["buyer", "category"],
                covering=["brand", "verified"],
                name="purchase_buyer_category",
            ),
            models.Index(fields=["product_model", "buyer"], name="purchase_product_buyer"),
        ]

    def __str__(self) -> str:
        return self.description or f"Purchase {self.pk}"


class Rating(models.Model):
    """After a sale, buyer and seller may each rate the other once."""

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_given"
    )
    ratee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_received"
    )
    stars = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    line = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purchase", "rater"], name="one_rating_per_side"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ from {self.rater_id}"


class ReviewQuerySet(AudienceQuerySet):
    def shown(self) -> ReviewQuerySet:
        return self.filter(hidden=False)


class Review(models.Model):
    TEXT_MAX_LENGTH = 5000

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        help_text="Empty once the author's account is erased (the review is kept, anonymised).",
        db_index=False,  # `review_author` below
    )
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.PROTECT, related_name="reviews"
    )
    purchase = models.ForeignKey(
        Purchase, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(max_length=120)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    would_recommend = models.BooleanField(default=True)
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.FRIENDS)
    circles = models.ManyToManyField(Circle, blank=True, related_name="reviews")
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()
    owner_field = "author"
    moderation_field = "hidden"  # hidden reviews are seen by their author alone

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "product_model"], name="one_review_per_product"
            ),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating"),
        ]
        indexes = [
            models.Index(fields=["product_model", "-created_at"], name="review_product"),
            # It also carries what social search reads and the audience policy checks: a
            # network's reviews of a topic come from the index alone (PostgreSQL; SQLite gets the
            # plain index).
            CoveringIndex(
                fields=["author"],
                covering=["product_model", "created_at", "audience", "hidden", "id"],
                name="review_author",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def verified(self) -> bool:
        return self.purchase_id is not None and self.purchase.verified


class HelpfulVote(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "voter"], name="one_helpful_vote")]

    def __str__(self) -> str:
        return f"{self.voter_id} found {self.review_id} helpful"


class SavedSearch(models.Model):
    """A search a person wants to hear about: a new matching listing notifies them."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    query = models.CharField(max_length=120, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    max_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    radius_km = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.query or str(self.category)


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


class Report(models.Model):
    """Something reported to the moderators. One report per person per thing."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        SCAM = "scam", "Scam or fraud"
        PROHIBITED = "prohibited", "Prohibited item"
        HARASSMENT = "harassment", "Harassment"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Action taken"
        DISMISSED = "dismissed", "No action needed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_about",
        help_text="Whose the reported thing is (the person, for a report of a person). Empty "
        "once they are erased; the report stays until REPORT_RETENTION_DAYS after it was "
        "resolved.",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=12, choices=Reason)
    note = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    resolution = models.CharField(max_length=300, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_handled",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"], name="one_report_per_thing"
            )
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="report_queue"),
            models.Index(fields=["resolved_at"], name="report_resolved"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} report on {self.content_type.model} {self.object_id}"
