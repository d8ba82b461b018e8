"""Products, purchases, reviews, listings and moderators for the review and report tests, made
straight through the ORM (purchases belong to the deals feature; here they are just rows)."""

from __future__ import annotations

import importlib
from datetime import date

from django.contrib.auth.models import Group, Permission

from marketplace.models import Brand, Category, ProductModel, Purchase, Review
from marketplace.tests.deals_factories import make_listing  # noqa: F401 - shared
from tests.factories import PersonFactory


def make_product(name: str = "Marlin 7", brand: str = "Trek") -> ProductModel:
    category, _ = Category.objects.get_or_create(slug="bikes", defaults={"name": "Bikes"})
    maker, _ = Brand.objects.get_or_create(slug=brand.lower(), defaults={"name": brand})
    product, _ = ProductModel.objects.get_or_create(
        slug=f"{brand}-{name}".lower().replace(" ", "-"),
        defaults={"brand": maker, "name": name, "category": category},
    )
    return product


def make_purchase(buyer, product: ProductModel, *, verified: bool = True, **fields) -> Purchase:
    values = {
        "product_model": product,
        "category": product.category,
        "brand": product.brand,
        "description": str(product),
        "verified": verified,
        "purchased_on": date(2026, 3, 1),
    }
    values.update(fields)
    return Purchase.objects.create(buyer=buyer, **values)


def make_review(author, product: ProductModel | None = None, **fields) -> Review:
    values = {
        "product_model": product or make_product(),
        "rating": 4,
        "title": "Solid bike",
        "text": "Does what it says.",
        "audience": "members",
    }
    values.update(fields)
    return Review.objects.create(author=author, **values)


def moderators() -> Group:
    """The "Moderators" group of migration 0004, made again if a flush emptied the tables."""
    migration = importlib.import_module("marketplace.migrations.0004_moderators_group")
    return migration.moderators_group(Group, Permission)


def make_moderator(name: str = "Max Moderator"):
    """Staff, not a superuser, in the "Moderators" group."""
    person = PersonFactory.create(name=name, is_staff=True)
    person.groups.add(moderators())
    return person
