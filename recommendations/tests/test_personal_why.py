""" "For you": every "why" sentence is true and specific, and each card has the listing's photo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from recommendations import personal
from recommendations.tests.test_personal import _history, brand, personalize, road_bike
from tests.factories import category, make_listing, make_purchase, picture, product

pytestmark = pytest.mark.django_db


def _why(owner, title: str) -> str | None:
    found = [r for r in personal.you_may_like(owner) if r.listing.title == title]
    return found[0].reason if found else None


def test_a_kind_of_the_same_thing_says_where_it_is_and_why_it_is_close(owner, stranger, seller):
    personalize(owner)
    _history(owner, stranger)  # road bikes looked at and bought
    make_listing(seller, title="Gravel bike", category=category("gravel-bikes"), price="520.00")
    why = _why(owner, "Gravel bike")
    assert "in Road bikes (this one is in Gravel bikes, also under Bikes)" in why
    assert "close to this one" not in why


def test_nothing_is_close_across_unrelated_categories_of_one_shelf(owner, stranger, seller):
    personalize(owner)
    make_purchase(owner, product("canon-eos-r6"), price=Decimal("900.00"), currency="EUR")
    make_listing(seller, title="A phone", category=category("phones"), price="900.00")
    assert _why(owner, "A phone") is None  # a camera is not close to a phone


def test_a_price_band_is_claimed_only_for_a_price_inside_it(owner, stranger, seller):
    personalize(owner)
    _history(owner, stranger)
    band = personal.preference_profile(owner).price_band
    road_bike(seller, title="Inside", price=str(band.median))
    road_bike(seller, title="Far above", price=str(band.high * 3))
    road_bike(seller, title="Far below", price="5.00")
    assert "usual range" in _why(owner, "Inside")
    assert "usual range" not in _why(owner, "Far above")
    assert "usual range" not in _why(owner, "Far below")


def test_the_band_claimed_contains_the_price_as_written(owner, stranger, seller):
    personalize(owner)
    _history(owner, stranger)
    band = personal.preference_profile(owner).price_band
    road_bike(seller, title="At the edge", price=str(band.low.quantize(Decimal("0.01"))))
    why = _why(owner, "At the edge")
    low = int(why.split("usual range (€", 1)[1].split("–", 1)[0])
    assert low <= band.low


def test_each_card_on_the_page_shows_the_listings_photo(owner, stranger, seller, client_for):
    personalize(owner)
    _history(owner, stranger)
    shown = road_bike(seller, title="Pictured", brand=brand("trek").pk, photos=[picture()])
    body = client_for(owner).get(reverse("recommendations:for_you")).content.decode()
    card = body.split(f'id="listing-{shown.pk}"', 1)[1].split("</article>", 1)[0]
    assert "<img" in card and "Why am I seeing this?" in body
