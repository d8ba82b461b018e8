"""Two newcomers, from nothing to a rated and reviewed sale, in a real browser and without help.

A seller signs up, confirms the email, sets home by typing "Lyon", and lists a bike with a photo
from the Sell button for anyone nearby. A second newcomer signs up on a phone, sets home in
Villeurbanne, finds the bike by searching "bikes" (nearest first), offers; the seller answers with
a counter-offer, the buyer accepts it, the seller marks it sold at the agreed price; both rate,
and the buyer reviews what they bought. Nothing on the way scrolls sideways on the phone.
Screenshots: test-artifacts/screenshots/first-sale-*.png."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import User
from marketplace.models import Listing, Offer, Purchase, Rating, Review
from tests.browser.test_market_journey import a_photo, catalog, panel, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["catalog"]  # the fixture, shared with the market journey

PASSWORD = "a sturdy Bazaar passphrase 42"
TITLE = "Trek Marlin 7, size M, new tyres"


def fits_the_screen(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_up(tab, email: str, mailoutbox, name: str) -> User:
    """Sign up through the form, confirm the address from the email, keep every purpose off."""
    sent = len(mailoutbox)
    tab.goto("/")
    tab.get_by_role("main").get_by_role("link", name="Join Bazaar").click()
    tab.wait_for_url("**/accounts/signup/")
    tab.get_by_label("Your name").fill(name)
    tab.get_by_label("Email", exact=True).fill(email)
    tab.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.get_by_label("Password (again)").fill(PASSWORD)
    tab.get_by_role("button", name="Sign Up").click()
    tab.wait_for_url("**/accounts/confirm-email/")
    assert len(mailoutbox) == sent + 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    tab.goto(link.group(0))
    tab.get_by_role("button", name="Confirm").click()
    tab.wait_for_url("**/privacy/welcome/")
    tab.get_by_role("button", name="Skip all: keep everything off").click()
    tab.wait_for_url(lambda url: "/privacy/welcome/" not in url)
    tab.goto("/profile/")
    expect(tab.get_by_label("Display name")).to_have_value(name)
    return User.objects.get(email=email)


def set_home(tab, typed: str, picked: str) -> None:
    """On the profile page: type part of a town's name and take the suggestion, then save."""
    town = tab.get_by_label("Home town")
    town.fill("")
    town.press_sequentially(typed, delay=50)
    suggestion = tab.locator("datalist option", has_text=picked).or_(
        tab.locator(f'datalist option[value="{picked}"]')
    )
    expect(suggestion.first).to_have_attribute("value", picked)
    town.fill(picked)  # what choosing the browser's suggestion does
    tab.get_by_role("button", name="Save profile").click()
    expect(tab.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(tab.get_by_label("Home town")).to_have_value(picked)


def test_two_newcomers_sell_find_counter_buy_rate_and_review(
    page, phone_page, catalog, tmp_path, mailoutbox
):
    seller_tab, buyer_tab = page, phone_page

    # The seller joins, names a home town, and sells from the button in the navigation.
    seller = sign_up(seller_tab, "sofia@example.com", mailoutbox, "Sofia Seller")
    set_home(seller_tab, "Lyo", "Lyon, France")
    shot(seller_tab, "first-sale-01-seller-home-set-1280")
    seller_tab.get_by_role("navigation", name="Main").get_by_role("link", name="Sell").click()
    seller_tab.wait_for_url("**/market/listings/new/")
    form = seller_tab.locator("form.form")
    expect(form.get_by_label("Condition")).to_have_value("")
    form.get_by_label("Photos").set_input_files(a_photo(tmp_path))
    form.get_by_label("Title").fill(TITLE)
    with seller_tab.expect_response("**/catalog-fields/**"):
        form.get_by_label("Category").select_option(str(catalog.category_id))
    form.get_by_label("Brand", exact=True).select_option(str(catalog.brand_id))
    form.get_by_label("Model", exact=True).select_option(str(catalog.pk))
    form.get_by_label("Condition").select_option("good")
    form.get_by_label("Description").fill("Two summers ridden, a scratch on the fork.")
    form.get_by_label("Price", exact=True).fill("450")
    expect(form.get_by_label("Place")).to_have_value("Lyon, France")
    form.get_by_label("Anyone nearby").check()
    form.get_by_label("Nearby radius (km)").fill("25")
    assert "45.7" not in seller_tab.content()  # a town, never coordinates
    form.get_by_role("button", name="Preview").click()
    seller_tab.wait_for_url("**/market/listings/*/preview/")
    shot(seller_tab, "first-sale-02-preview-1280")
    seller_tab.get_by_role("button", name="Publish").click()
    expect(seller_tab.get_by_role("status")).to_contain_text("Your listing is on sale.")
    listing = Listing.objects.get()
    assert (listing.status, listing.seller, listing.photos.count()) == ("active", seller, 1)

    # The buyer joins on a phone, lives in Villeurbanne and searches "bikes".
    buyer = sign_up(buyer_tab, "bea@example.com", mailoutbox, "Bea Buyer")
    set_home(buyer_tab, "Villeur", "Villeurbanne, France")
    assert fits_the_screen(buyer_tab)
    buyer_tab.goto("/market/search/")
    filters = buyer_tab.get_by_role("search", name="Search listings")
    filters.get_by_label("Looking for").fill("bikes")
    filters.get_by_role("button", name="Search").click()
    result = buyer_tab.get_by_role("link", name=TITLE)
    expect(result).to_be_visible()
    expect(buyer_tab.get_by_text(re.compile(r"about \d+ km away"))).to_be_visible()
    assert fits_the_screen(buyer_tab)
    shot(buyer_tab, "first-sale-03-buyer-finds-bikes-390")
    result.click()
    buyer_tab.wait_for_url(f"**/market/listings/{listing.pk}/")
    panel(buyer_tab).get_by_label("Your price (EUR)").fill("380")
    panel(buyer_tab).get_by_role("button", name="Send offer").click()
    expect(buyer_tab.get_by_role("status")).to_contain_text("Your offer is sent")

    # The seller answers with a price; the buyer accepts it.
    seller_tab.goto(f"/market/listings/{listing.pk}/")
    deal = panel(seller_tab)
    expect(deal.locator(".offer-row", has_text="Bea Buyer")).to_contain_text("380")
    deal.get_by_label("Or answer with your price").fill("420")
    deal.get_by_role("button", name="Counter").click()
    expect(panel(seller_tab)).to_contain_text("You answered with €420; the buyer decides.")
    offer = Offer.objects.get()
    assert (offer.status, offer.counter_amount) == (Offer.Status.COUNTERED, Decimal("420.00"))
    buyer_tab.reload()
    panel(buyer_tab).get_by_role("button", name="Accept €420").click()
    expect(buyer_tab.get_by_role("status")).to_be_visible()
    shot(buyer_tab, "first-sale-04-buyer-accepted-the-counter-390")
    assert Offer.objects.get().status == Offer.Status.ACCEPTED

    # The seller marks it sold to the buyer at the agreed price, then rates her.
    seller_tab.goto(f"/market/deals/listings/{listing.pk}/sold/")
    expect(seller_tab.get_by_label("Bea Buyer")).to_be_checked()
    expect(seller_tab.get_by_label("Price", exact=False).first).to_have_value(
        re.compile(r"^420([.,]00)?$")
    )
    shot(seller_tab, "first-sale-05-mark-sold-1280")
    seller_tab.get_by_role("button", name="Mark sold").click()
    seller_tab.wait_for_url("**/market/deals/purchases/*/rate/")
    seller_tab.get_by_text("5 ★").click()
    seller_tab.get_by_label("One line (optional)").fill("On time and friendly.")
    seller_tab.get_by_role("button", name="Save rating").click()
    seller_tab.wait_for_url("**/market/deals/purchases/")
    purchase = Purchase.objects.get()
    assert (purchase.buyer, purchase.seller, purchase.verified) == (buyer, seller, True)
    assert purchase.price == Decimal("420.00")

    # The buyer sees the sold price, rates the seller and reviews the bike.
    buyer_tab.goto(f"/market/listings/{listing.pk}/")
    expect(buyer_tab.get_by_text("Sold for")).to_contain_text("420")
    bought = panel(buyer_tab).get_by_role("region", name="You bought it")
    bought.get_by_role("link", name="Rate the seller").click()
    buyer_tab.wait_for_url("**/market/deals/purchases/*/rate/")
    buyer_tab.get_by_text("5 ★").click()
    buyer_tab.get_by_label("One line (optional)").fill("Exactly as described.")
    buyer_tab.get_by_role("button", name="Save rating").click()
    # Rating the seller leads on to reviewing what was bought.
    buyer_tab.wait_for_url(f"**/market/deals/purchases/{purchase.pk}/review/")
    assert Rating.objects.count() == 2
    review_form = buyer_tab.locator("form.form").first
    review_form.get_by_label("5 stars").check()
    review_form.get_by_label("Title").fill("A trail bike that forgives")
    review_form.get_by_label("Your review").fill("Bought it second-hand nearby: light, precise.")
    review_form.get_by_role("button", name="Publish review").click()
    review = buyer_tab.locator(".card", has_text="A trail bike that forgives").first
    expect(review).to_be_visible()
    expect(review.get_by_text("Verified purchase")).to_be_visible()
    assert fits_the_screen(buyer_tab)
    shot(buyer_tab, "first-sale-06-buyer-reviewed-390")
    assert Review.objects.get().purchase == purchase
    # Back on the listing, the panel says what was done instead of asking again.
    buyer_tab.goto(f"/market/listings/{listing.pk}/")
    bought = panel(buyer_tab).get_by_role("region", name="You bought it")
    expect(bought).to_contain_text("You rated")
    expect(bought.get_by_role("link", name="Edit your review")).to_be_visible()
    shot(buyer_tab, "first-sale-07-listing-after-the-deal-390")
