"""Two stories in a real browser, each person in their own tab.

A report taken through hide, appeal and restore: a stranger reports a listing; a moderator hides
it from the report's own admin page with a reason; the seller sees one clear state on their
listing ("Hidden by a moderator: reason. Appeal"), appeals once, and is told when a moderator
restores it from the appeals queue.

A counter-offer: a buyer offers, the seller answers with a price from the listing's deal panel,
the buyer accepts it there and the item is reserved for them at that price.

Pages at phone width must not scroll sideways; screenshots at 1280 and 390 px are in
test-artifacts/screenshots/ (moderation-*, counter-*).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from marketplace.models import Appeal, Listing, Offer
from marketplace.services.listing_photos import listing_photo_add
from marketplace.services.reports import report_create
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PersonFactory, make_moderator, make_offer, marlin_for_sale, picture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(tab, name: str) -> None:
    """A full-page screenshot from the top (else the sticky header lands mid-picture), after
    checking that the page does not scroll sideways."""
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"{tab.url} scrolls sideways: {width}px"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def panel(tab):
    section = tab.locator("#deal-panel.deal-panel")
    expect(section).to_be_visible()
    return section


def test_a_report_is_hidden_appealed_and_restored(
    browser, page, phone_page, sign_in_browser, live_server
):
    seller = PersonFactory.create(name="Olivia Owner")
    reporter = PersonFactory.create(name="Sam Stranger")
    moderator = make_moderator("Mona Moderator")
    listing = marlin_for_sale(seller, description="Great bike, barely used. Collection in Lyon.")
    listing_photo_add(seller=seller, listing=listing, image=picture("marlin.jpg"))
    report = report_create(
        reporter=reporter, target=listing, reason="scam", note="The photos are from a shop."
    )

    # The moderator acts from the report's own page: a preview, a reason, one button.
    desk = page
    sign_in_browser(desk, moderator)
    desk.goto(f"/admin/marketplace/report/{report.pk}/change/")
    expect(desk.get_by_text("Great bike, barely used.")).to_be_visible()
    desk.get_by_label("Note (the reason").fill("Photos copied from a shop's website")
    shot(desk, "moderation-desktop-report-page")
    desk.get_by_role("button", name="Hide", exact=True).click()
    expect(desk.get_by_text("Done: it has been hidden")).to_be_visible()
    listing.refresh_from_db()
    assert listing.hidden

    # The seller, on a phone: told at once, one clear state on the listing, then the appeal.
    phone = phone_page
    sign_in_browser(phone, seller)
    phone.goto("/notifications/")
    expect(phone.get_by_text("A moderator hid your listing")).to_be_visible()
    shot(phone, "moderation-phone-notified")
    phone.goto(f"/market/listings/{listing.pk}/")
    state = phone.locator(".moderation-state")
    expect(state).to_contain_text("Hidden by a moderator: Photos copied from a shop's website")
    expect(phone.get_by_text("Active", exact=True)).to_have_count(0)
    expect(phone.get_by_role("link", name="Edit")).to_have_count(0)
    shot(phone, "moderation-phone-listing-hidden")
    state.get_by_role("link", name="Appeal").click()
    phone.get_by_label("Why should the moderators change their decision?").fill(
        "These are my own photos, taken in my garden; I can send more."
    )
    shot(phone, "moderation-phone-appeal-form")
    phone.get_by_role("button", name="Send the appeal").click()
    expect(phone.get_by_role("heading", name="Appeal sent on")).to_be_visible()
    shot(phone, "moderation-phone-appeal-sent")
    phone.goto(f"/market/listings/{listing.pk}/")
    expect(phone.locator(".moderation-state")).to_contain_text("Appeal sent on")

    # The moderator restores it from the appeals queue.
    desk.goto("/admin/marketplace/appeal/")
    expect(desk.get_by_text("These are my own photos")).to_be_visible()
    shot(desk, "moderation-desktop-appeals-queue")
    desk.locator("input[name=_selected_action]").first.check()
    desk.locator("select[name=action]").select_option("appeal_restore")
    desk.get_by_role("button", name="Run").click()
    expect(desk.get_by_text("Restore: 1 done.")).to_be_visible()
    assert Appeal.objects.get().outcome == Appeal.Outcome.RESTORED

    # The seller is told, and the listing is back with its usual actions.
    phone.goto("/notifications/")
    expect(phone.get_by_text("Your appeal was accepted")).to_be_visible()
    shot(phone, "moderation-phone-restored")
    phone.goto(f"/market/listings/{listing.pk}/")
    expect(phone.locator(".moderation-state")).to_have_count(0)
    expect(phone.get_by_role("link", name="Edit")).to_be_visible()

    # The same pages at the other width, looked at too.
    wide = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    tab = wide.new_page()
    sign_in_browser(tab, seller)
    tab.goto("/notifications/")
    tab.get_by_text("A moderator hid your listing").click()
    expect(tab.get_by_role("heading", name="Visible again")).to_be_visible()
    shot(tab, "moderation-desktop-decision")
    wide.close()
    narrow = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    tab = narrow.new_page()
    sign_in_browser(tab, moderator)
    tab.goto(f"/admin/marketplace/report/{report.pk}/change/")
    shot(tab, "moderation-phone-report-page")
    narrow.close()


def test_a_counter_offer_is_accepted_from_the_listing(page, phone_page, sign_in_browser):
    seller = PersonFactory.create(name="Olivia Owner")
    buyer = PersonFactory.create(name="Bea Buyer")
    listing = marlin_for_sale(seller)
    make_offer(listing, buyer, "380")

    desk = page
    sign_in_browser(desk, seller)
    desk.goto(f"/market/listings/{listing.pk}/")
    deal = panel(desk)
    deal.get_by_label("Or answer with your price").fill("420")
    shot(desk, "counter-desktop-seller-panel")
    deal.get_by_role("button", name="Counter").click()
    expect(panel(desk)).to_contain_text("You answered with €420")
    offer = Offer.objects.get()
    assert (offer.status, offer.counter_amount) == (Offer.Status.COUNTERED, Decimal("420.00"))

    phone = phone_page
    sign_in_browser(phone, buyer)
    phone.goto(f"/market/listings/{listing.pk}/")
    deal = panel(phone)
    expect(deal).to_contain_text("answered your offer of €380")
    shot(phone, "counter-phone-buyer-panel")
    phone.goto("/market/deals/offers/")
    shot(phone, "counter-phone-offers-made")
    phone.goto(f"/market/listings/{listing.pk}/")
    panel(phone).get_by_role("button", name="Accept €420").click()
    expect(phone.get_by_text("the item is reserved for you")).to_be_visible()
    listing.refresh_from_db()
    assert listing.status == Listing.Status.RESERVED

    desk.goto("/market/deals/offers/received/")
    expect(desk.locator(".badge-accepted")).to_have_text("Accepted")
    expect(desk.locator("#offers-received")).to_contain_text("Agreed at €420")
    shot(desk, "counter-desktop-offers-received")
    desk.goto(f"/market/listings/{listing.pk}/")
    expect(panel(desk)).to_contain_text("Agreed price: €420")
    shot(desk, "counter-desktop-reserved")
