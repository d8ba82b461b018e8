"""Trust you can see, in a real browser: a buyer finds a seller's bike and sees on the result
card and on the listing how the seller's past buyers rated them ("4.6 out of 5 from about 5 sales"),
buys it, rates the seller, is led to review the bike (which has no catalog model: the seller
typed its model name), and then sees "You rated ★4" where the rate button was. The same pages
at phone width do not scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.models import Rating, Review
from tests.browser.test_market_journey import (
    LYON,
    VILLEURBANNE,
    log_in,
    member_at,
    panel,
    shot,
)
from tests.browser.test_market_journey import catalog as catalog  # the seeded catalog fixture
from tests.factories import make_sale, marlin_for_sale, sold_and_rated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Trek Roscoe, custom build, size L"
WORDS = "4.6 out of 5 from about 5 sales"


def no_sideways_scroll(tab, path: str) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"{path} scrolls sideways: {width}px wide"


def test_a_buyer_sees_trust_rates_and_reviews_a_bike_without_a_catalog_model(
    page, phone_page, catalog, sign_in_browser
):
    seller = member_at("Sofia Seller", LYON)
    buyer = member_at("Felix Buyer", VILLEURBANNE)
    sold_and_rated(
        seller,
        [5, 5, 4, 5, 4],
        lines=["Quick to answer", "", "Bike exactly as described", "Friendly handover", ""],
    )
    listing = marlin_for_sale(
        seller, title=TITLE, product_model=None, model_name="Roscoe Custom", audience="members"
    )

    # The result card says how the seller's buyers rated them, in words.
    log_in(page, buyer.email)
    page.goto("/market/search/?q=Roscoe&radius_km=25")
    card = page.locator(f"#listing-{listing.pk}")
    expect(card.get_by_text(WORDS)).to_be_visible()
    expect(card.locator(".reputation-stars")).to_have_attribute("aria-hidden", "true")
    shot(page, "trust-01-card-1280")

    # The listing's seller box too, with what buyers said.
    card.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/market/listings/{listing.pk}/")
    seller_box = page.locator("section", has=page.get_by_role("heading", name="Seller"))
    expect(seller_box.get_by_text(WORDS)).to_be_visible()
    expect(seller_box.get_by_text("“Friendly handover”")).to_be_visible()
    shot(page, "trust-02-listing-1280")

    # On a phone, the card and the seller box read the same, and nothing scrolls sideways.
    sign_in_browser(phone_page, buyer)
    for path, name in (
        ("/market/search/?q=Roscoe&radius_km=25", "card"),
        (f"/market/listings/{listing.pk}/", "listing"),
    ):
        phone_page.goto(path)
        expect(phone_page.get_by_text(WORDS).first).to_be_visible()
        if phone_page.locator("#deal-panel").count():
            panel(phone_page)  # loaded in place by htmx
        no_sideways_scroll(phone_page, path)
        shot(phone_page, f"trust-390-{name}")

    # The sale happens (offer, acceptance, handover: the deals journey walks those).
    sale = make_sale(listing, buyer, "380")

    # The buyer rates the seller from their purchases…
    page.goto("/market/deals/purchases/")
    bought = page.locator(".person-row", has_text=TITLE)
    bought.get_by_role("link", name="Rate the seller").click()
    page.wait_for_url(f"**/market/deals/purchases/{sale.pk}/rate/")
    page.get_by_label("4 ★").check()
    page.get_by_label("One line (optional)").fill("Kind and on time.")
    shot(page, "trust-03-rate-1280")
    page.get_by_role("button", name="Save rating").click()

    # …and is led on to review the bike, which the catalog does not know.
    page.wait_for_url(f"**/market/deals/purchases/{sale.pk}/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review Trek Roscoe Custom")
    form = page.locator("form.form")
    form.get_by_label("4 stars").check()
    form.get_by_label("Title").fill("Comfortable on long climbs")
    form.get_by_label("Your review").fill("Solid frame, the custom wheels roll well.")
    shot(page, "trust-04-review-1280")
    form.get_by_role("button", name="Publish review").click()
    page.wait_for_url("**/market/reviews/mine/")
    mine = page.locator(".card", has_text="Comfortable on long climbs").first
    expect(mine.get_by_text("Verified purchase")).to_be_visible()
    expect(page.get_by_role("link", name="Trek Roscoe Custom")).to_be_visible()
    shot(page, "trust-05-my-reviews-1280")

    # Where the rate button was, the purchases page now says what they gave.
    page.goto("/market/deals/purchases/")
    bought = page.locator(".person-row", has_text=TITLE)
    expect(bought.get_by_text("You rated")).to_be_visible()
    expect(bought.get_by_role("link", name="You rated the seller 4 out of 5")).to_be_visible()
    expect(bought.get_by_role("link", name="Rate the seller")).to_have_count(0)
    expect(bought.get_by_role("link", name="Edit your review")).to_be_visible()
    shot(page, "trust-06-purchases-1280")

    rating = Rating.objects.get(purchase=sale)
    assert (rating.stars, rating.rater, rating.ratee) == (4, buyer, seller)
    review = Review.objects.get(purchase=sale)
    assert (review.product_model, review.model_name, review.brand) == (
        None,
        "Roscoe Custom",
        listing.brand,
    )

    # The pages after the sale on a phone: readable, nothing scrolls sideways.
    for path, name in (
        (f"/market/deals/purchases/{sale.pk}/rate/", "rated"),
        (f"/market/deals/purchases/{sale.pk}/review/", "review"),
        ("/market/deals/purchases/", "purchases"),
        (f"/people/{seller.pk}/", "profile"),
    ):
        phone_page.goto(path)
        expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
        no_sideways_scroll(phone_page, path)
        shot(phone_page, f"trust-390-{name}")
    expect(phone_page.get_by_text("As a seller")).to_be_visible()
    # Others see the day's figure, drawn once for everyone: the new rating shows tomorrow.
    page.goto(f"/people/{seller.pk}/")
    expect(page.get_by_text(WORDS)).to_be_visible()
    shot(page, "trust-07-profile-1280")
