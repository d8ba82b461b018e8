"""Selling from the Sell button, in a real browser: a seller clicks Sell in the main navigation,
fills the form in the order people think (photos first; no condition chosen for them; the
circles and radius fields shown only with the audience that uses them; the shipping price only
with shipping), checks the preview and publishes. On a phone, Sell is in sight without opening
the menu and nothing scrolls sideways."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from marketplace.models import Listing
from tests.browser.test_market_journey import LYON, a_photo, catalog, log_in, member_at, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["catalog"]  # the fixture, shared with the market journey

TITLE = "Trek Marlin 7, size M, new tyres"


def no_sideways_scroll(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_seller_lists_from_the_sell_button_with_a_preview(page, catalog, tmp_path):
    seller = member_at("Sofia Seller", LYON)
    log_in(page, seller.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sell").click()
    page.wait_for_url("**/market/listings/new/")
    form = page.locator("form.form")
    expect(form.get_by_label("Condition")).to_have_value("")
    # Only what the chosen audience uses is shown.
    expect(form.get_by_label("Nearby radius (km)")).to_be_hidden()
    expect(form.get_by_label("Shipping price")).to_be_hidden()
    shot(page, "sell-01-form-1280")

    form.get_by_label("Photos").set_input_files(a_photo(tmp_path))
    form.get_by_label("Title").fill(TITLE)
    with page.expect_response("**/catalog-fields/**"):
        form.get_by_label("Category").select_option(str(catalog.category_id))
    form.get_by_label("Brand", exact=True).select_option(str(catalog.brand_id))
    expect(form.get_by_label("Brand not in the list")).to_be_hidden()
    form.get_by_label("Model", exact=True).select_option(str(catalog.pk))
    form.get_by_label("Condition").select_option("good")
    form.get_by_label("Price", exact=True).fill("450")
    expect(form.get_by_label("Place")).to_have_value("Lyon")
    form.get_by_label("Shipping", exact=True).check()
    form.get_by_label("Shipping price").fill("15")
    form.get_by_label("Anyone nearby").check()
    form.get_by_label("Nearby radius (km)").fill("20")
    shot(page, "sell-02-form-filled-1280")
    form.get_by_role("button", name="Preview").click()

    page.wait_for_url("**/market/listings/*/preview/")
    expect(page.get_by_role("heading", name="Check your listing")).to_be_visible()
    expect(page.get_by_text("Local pickup · Shipping €15")).to_be_visible()
    assert Listing.objects.get().status == "draft"
    shot(page, "sell-03-preview-1280")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/market/listings/*/")
    expect(page.get_by_role("status")).to_contain_text("Your listing is on sale.")
    listing = Listing.objects.get()
    assert (listing.status, listing.audience, listing.nearby_radius_km) == ("active", "nearby", 20)
    assert (listing.shipping, listing.shipping_price) == (True, Decimal("15.00"))
    assert listing.product_model == catalog and listing.photos.count() == 1


def test_on_a_phone_sell_is_in_sight_and_the_form_fits(phone_page, catalog):
    seller = member_at("Paul Phone", LYON)
    log_in(phone_page, seller.email)
    sell = phone_page.get_by_role("navigation", name="Main").get_by_role("link", name="Sell")
    expect(sell).to_be_visible()  # without opening the menu
    shot(phone_page, "sell-04-home-390")
    no_sideways_scroll(phone_page)
    sell.click()
    phone_page.wait_for_url("**/market/listings/new/")
    no_sideways_scroll(phone_page)
    form = phone_page.locator("form.form")
    form.get_by_label("Chosen circles").check()
    expect(form.get_by_text("Circles that see it")).to_be_visible()
    expect(form.get_by_label("Nearby radius (km)")).to_be_hidden()
    shot(phone_page, "sell-05-form-390")
    no_sideways_scroll(phone_page)
