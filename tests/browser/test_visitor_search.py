"""A visitor who is not signed in searches the market in a real browser: "vélos" finds the bikes
listed as "bike" (one in pounds, labelled so), a bike's page opens read-only with "Sign in to
ask or offer", and a listing for members only never shows. Nothing scrolls sideways on a
phone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import CategoryFactory, PersonFactory, make_listing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LYON = (Decimal("45.76"), Decimal("4.84"))


def top(tab):
    """The tab scrolled to the top, so the sticky header does not land mid-picture."""
    tab.evaluate("window.scrollTo(0, 0)")
    return tab


def fits_the_screen(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def listings():
    seller = PersonFactory.create(name="Lucie Vendeuse")
    bikes = CategoryFactory.create(name="Bikes", slug="visitor-bikes")
    common = {"place": "Lyon", "latitude": LYON[0], "longitude": LYON[1], "category": bikes}
    make_listing(
        seller,
        title="City bike, 7 gears",
        description="Peugeot city bike with a basket and lights. Serviced in spring.",
        price="1200",
        audience="public",
        **common,
    )
    make_listing(
        seller,
        title="Brompton folding bike",
        price="640",
        currency="GBP",
        audience="public",
        **{
            **common,
            "place": "London",
            "latitude": Decimal("51.51"),
            "longitude": Decimal("-0.13"),
        },
    )
    make_listing(
        seller, title="Members-only tandem bike", price="300", audience="members", **common
    )
    return seller


@pytest.mark.parametrize("tab_name", ["page", "phone_page"])
def test_a_visitor_searches_velos_and_opens_a_bike_read_only(request, tab_name, screenshot):
    tab = request.getfixturevalue(tab_name)
    width = "390" if tab_name == "phone_page" else "1280"
    seller = listings()

    tab.goto("/market/search/")
    tab.get_by_label("Looking for").fill("vélos")
    tab.get_by_role("button", name="Search").click()

    results = tab.locator(".listing-card")
    expect(results).to_have_count(2)
    city = results.filter(has_text="City bike, 7 gears")
    expect(city).to_contain_text("€1,200")
    # Another currency is labelled, not mixed in silently.
    expect(results.filter(has_text="Brompton")).to_contain_text("£640 in GBP")
    expect(tab.get_by_text("Members-only tandem bike")).to_have_count(0)
    expect(tab.get_by_role("button", name="Watch")).to_have_count(0)
    screenshot(top(tab), f"visitor-01-search-velos-{width}")
    assert fits_the_screen(tab)

    city.get_by_role("link", name="City bike, 7 gears").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("City bike, 7 gears")
    sign_in = tab.get_by_role("link", name="Sign in to ask or offer")
    expect(sign_in).to_be_visible()
    expect(tab.locator("#deal-panel")).to_have_count(0)
    expect(tab.get_by_text(seller.email)).to_have_count(0)
    screenshot(top(tab), f"visitor-02-listing-read-only-{width}")
    assert fits_the_screen(tab)

    sign_in.click()
    expect(tab).to_have_url(re.compile(r"/accounts/login/\?next=/market/listings/\d+/$"))
