"""Listings and deals for the deals tests, made straight through the ORM."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from marketplace.models import Brand, Category, Listing, Offer, ProductModel


def make_category(name: str = "Bikes") -> Category:
    category, _ = Category.objects.get_or_create(slug=name.lower(), defaults={"name": name})
    return category


def make_product() -> ProductModel:
    brand, _ = Brand.objects.get_or_create(slug="trek", defaults={"name": "Trek"})
    product, _ = ProductModel.objects.get_or_create(
        slug="trek-marlin-7",
        defaults={"brand": brand, "name": "Marlin 7", "category": make_category()},
    )
    return product


def make_listing(seller, **fields) -> Listing:
    """An active listing everyone signed in can see, unless `fields` say otherwise."""
    product = make_product()
    values = {
        "title": "Trek Marlin 7, 2022",
        "category": product.category,
        "product_model": product,
        "brand": product.brand,
        "condition": Listing.Condition.GOOD,
        "price": Decimal("450.00"),
        "place": "Lyon",
        "latitude": Decimal("45.76400"),
        "longitude": Decimal("4.83570"),
        "audience": "members",
        "status": Listing.Status.ACTIVE,
        "published_at": timezone.now(),
    }
    values.update(fields)
    return Listing.objects.create(seller=seller, **values)


def make_offer(listing, buyer, amount: str = "400") -> Offer:
    return Offer.objects.create(listing=listing, buyer=buyer, amount=Decimal(amount))
