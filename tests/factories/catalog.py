"""The catalog: categories, brands and product models.

The catalog is staff data with no rule to go through, so these write rows directly. Most tests
use the seeded catalog (migration marketplace/0003): `category("bikes")`, `product(...)`.
"""

from __future__ import annotations

import factory

from marketplace.models import Brand, Category, ProductModel


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    """A category of its own, outside the seeded tree: `CategoryFactory.create(parent=bikes)`."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Things {n}")
    slug = factory.Sequence(lambda n: f"test-{n}")


def make_category(name: str | None = None, *, parent: Category | None = None) -> Category:
    """A new category (named "Things n" unless `name`), under `parent` if given."""
    if name is None:
        return CategoryFactory.create(parent=parent)
    return CategoryFactory.create(name=name, parent=parent)


def category(slug: str) -> Category:
    """A category of the seeded catalog."""
    return Category.objects.get(slug=slug)


def product(slug: str) -> ProductModel:
    """A product model of the seeded catalog."""
    return ProductModel.objects.select_related("brand", "category").get(slug=slug)


def make_product(
    name: str = "Marlin 7", brand: str = "Trek", *, kind: str = "bikes"
) -> ProductModel:
    """The product `brand` `name`: the seeded one when the catalog has it (the default is the
    seeded Trek Marlin 7), else made in category `kind`. Asking twice gives the same row."""
    maker, _ = Brand.objects.get_or_create(slug=brand.lower(), defaults={"name": brand})
    if kind == "bikes":
        kind_of, _ = Category.objects.get_or_create(slug="bikes", defaults={"name": "Bikes"})
    else:
        kind_of = Category.objects.get(slug=kind)
    found, _ = ProductModel.objects.get_or_create(
        slug=f"{brand}-{name}".lower().replace(" ", "-"),
        defaults={"brand": maker, "name": name, "category": kind_of},
    )
    return found


def bike(name: str, *, brand: str = "Trek", kind: str = "mountain-bikes") -> ProductModel:
    """A bike of the social search tests' world: `make_product` in mountain bikes by default."""
    return make_product(name, brand, kind=kind)
