"""Test data for listings: a small catalog, listings with sane defaults, and picture uploads."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.models import Brand, Category, Listing, ProductModel
from marketplace.services.listings import listing_create

_numbers = itertools.count()

# Central Lyon; the test places below are measured from here.
LYON = (Decimal("45.76000"), Decimal("4.83500"))


def make_category(name: str | None = None, *, parent: Category | None = None) -> Category:
    n = next(_numbers)
    name = name or f"Things {n}"
    return Category.objects.create(name=name, slug=f"test-{n}", parent=parent)


def category(slug: str) -> Category:
    """A category of the seeded catalog (marketplace/migrations/0003_catalog.py)."""
    return Category.objects.get(slug=slug)


def product(slug: str) -> ProductModel:
    """A product model of the seeded catalog."""
    return ProductModel.objects.select_related("brand", "category").get(slug=slug)


def make_product(category: Category, *, brand: str = "Trek", name: str | None = None):
    n = next(_numbers)
    brand_obj, _ = Brand.objects.get_or_create(
        name=brand, defaults={"slug": f"{brand.lower()}-{n}"}
    )
    name = name or f"Model {n}"
    return ProductModel.objects.create(
        brand=brand_obj, name=name, slug=f"test-product-{n}", category=category
    )


def listing_fields(**overrides) -> dict:
    fields = {
        "title": "Trek Marlin 7, size M",
        "description": "Serviced last spring, new tyres.",
        "category": overrides.pop("category") if "category" in overrides else make_category(),
        "condition": Listing.Condition.GOOD,
        "price": "450.00",
        "place": "Lyon, Croix-Rousse",
        "latitude": LYON[0],
        "longitude": LYON[1],
        "audience": "public",
    }
    fields.update(overrides)
    return fields


def make_listing(seller, *, publish: bool = True, **overrides) -> Listing:
    return listing_create(seller=seller, publish=publish, **listing_fields(**overrides))


def picture(name: str = "photo.jpg", *, size=(800, 600), fmt: str = "JPEG", color="teal"):
    """An uploaded picture of `size` pixels."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def not_a_picture(name: str = "photo.jpg"):
    return SimpleUploadedFile(name, b"%PDF-1.4 not a picture at all", content_type="image/jpeg")
