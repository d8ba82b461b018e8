"""Listings and places for the search tests: a small category tree, listings made live."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.models import Category, Listing

AMSTERDAM = (52.37, 4.90)
UTRECHT = (52.09, 5.12)  # about 40 km from Amsterdam
PARIS = (48.86, 2.35)  # about 430 km

_titles = itertools.count()


@pytest.fixture
def tree(db) -> dict[str, Category]:
    bikes = Category.objects.create(name="Bikes", slug="t-bikes")
    return {
        "bikes": bikes,
        "mountain": Category.objects.create(name="Mountain", slug="t-mountain", parent=bikes),
        "road": Category.objects.create(name="Road", slug="t-road", parent=bikes),
        "home": Category.objects.create(name="Home", slug="t-home"),
    }


def listing_for(
    seller,
    category,
    *,
    title=None,
    description="",
    price="100",
    at=AMSTERDAM,
    condition="good",
    audience="members",
    age_days=0,
    **extra,
) -> Listing:
    return Listing.objects.create(
        seller=seller,
        title=title or f"Thing {next(_titles)}",
        description=description,
        category=category,
        condition=condition,
        price=Decimal(price),
        place="Somewhere",
        latitude=Decimal(str(at[0])),
        longitude=Decimal(str(at[1])),
        audience=audience,
        status=extra.pop("status", Listing.Status.ACTIVE),
        published_at=timezone.now() - timedelta(days=age_days),
        **extra,
    )


def with_home(person, at=AMSTERDAM):
    person.profile.home_latitude, person.profile.home_longitude = at
    person.profile.save()
    return person
