"""What happens between a buyer and a seller about one listing: public questions, private
conversations, offers, then the purchase (bought here or declared) and the ratings after it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from config.indexes import CoveringIndex
from marketplace.models.catalog import Brand, Category, ProductModel
from marketplace.models.listings import Listing


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
    """A buyer's price for a listing, and the seller's answer: accept, decline, or a counter-offer
    (`counter_amount`), which the buyer then accepts or declines, or answers with a new offer.

    While open the seller answers it; while countered the buyer does. Once accepted the deal is
    at `price`: the counter-offer when there was one, else the buyer's amount."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COUNTERED = "countered", "Countered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    MESSAGE_MAX_LENGTH = 500

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="offers")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers_made"
    )
    amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Listing.MAX_PRICE)],
    )
    message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    counter_amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Listing.MAX_PRICE)],
        help_text="The seller's counter-offer, when they answered with a price.",
    )
    countered_at = models.DateTimeField(null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(counter_amount__isnull=True) | Q(counter_amount__gt=0),
                name="offer_counter_positive",
            ),
            # A countered offer names the seller's price: the buyer answers that price.
            models.CheckConstraint(
                condition=~Q(status="countered") | Q(counter_amount__isnull=False),
                name="countered_offer_has_price",
            ),
        ]
        indexes = [models.Index(fields=["buyer", "status"], name="offer_buyer_status")]

    def __str__(self) -> str:
        return f"{self.amount} for {self.listing_id} ({self.status})"

    @property
    def price(self) -> Decimal:
        """The price on the table: the seller's counter-offer once made, else the buyer's."""
        return self.counter_amount if self.counter_amount is not None else self.amount


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
            # It also carries brand, verified and the product model: a network's purchases of a
            # topic are read from the index alone (social search's `topic_rows` reads all five;
            # PostgreSQL, SQLite gets the plain index).
            CoveringIndex(
                fields=["buyer", "category"],
                covering=["brand", "verified", "product_model"],
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
