"""Fixtures the marketplace tests share."""

from __future__ import annotations

import pytest

from accounts.models import User
from marketplace.models import Category, Listing
from tests.factories import CategoryFactory, make_product, marlin_for_sale
from tests.factories.brands import brand_manager


@pytest.fixture
def tree(db) -> dict[str, Category]:
    """A small category tree of the search tests' own: bikes (mountain, road) and home."""
    bikes = CategoryFactory.create(name="Bikes", slug="t-bikes")
    return {
        "bikes": bikes,
        "mountain": CategoryFactory.create(name="Mountain", slug="t-mountain", parent=bikes),
        "road": CategoryFactory.create(name="Road", slug="t-road", parent=bikes),
        "home": CategoryFactory.create(name="Home", slug="t-home"),
    }


@pytest.fixture
def listing(owner: User) -> Listing:
    """The deals tests' listing: the owner's Trek Marlin 7, on sale to signed-in members."""
    return marlin_for_sale(owner)


@pytest.fixture
def trek(db):
    """The seeded Trek (with its Marlin 7): the brand side's tests' brand."""
    return make_product().brand


@pytest.fixture
def mia(trek) -> User:
    """Mia runs Trek's page."""
    return brand_manager(trek)
