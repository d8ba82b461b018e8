"""A sale between two neighbours, in a real browser: the seller lists a bike with a photo for anyone
within 20 km, a friend who lives nearby finds it by searching around home, asks a question, the
seller answers, the friend offers, the seller accepts in place and marks it sold, and the buyer
reviews the bike as a verified purchase. Each person has their own browser and signs in through
the login page."""

from __future__ import annotations

import importlib
import io
from decimal import Decimal
from typing import TypedDict

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from accounts.services import profile_mark_onboarded
from marketplace.models import Category, Listing, Offer, ProductModel, Purchase, Review
from marketplace.services import (
    conversations,
    listings,
    offers,
    purchases,
    questions,
    ratings,
    reports,
    reviews,
    search,
)
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, PersonFactory, befriend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LYON = ("Lyon", Decimal("45.76400"), Decimal("4.83570"))
VILLEURBANNE = ("Villeurbanne", Decimal("45.77190"), Decimal("4.89020"))  # about 4 km east
TITLE = "Trek Marlin 7 mountain bike, size M"


def shot(page, name: str) -> None:
    """A full-page screenshot that leaves the caret alone (see test_privacy_journey.shot)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky header lands mid-picture
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def member_at(name: str, home: tuple[str, Decimal, Decimal]) -> User:
    person = PersonFactory.create(name=name)
    profile = person.profile
    profile.home_place, profile.home_latitude, profile.home_longitude = home
    profile.save()
    profile_mark_onboarded(user=person)
    return person


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def a_photo(folder):
    path = folder / "marlin.png"
    image = Image.new("RGB", (900, 600), (30, 110, 140))
    image.paste((235, 180, 40), (150, 380, 750, 430))  # a frame, of sorts
    image.save(path, format="PNG")
    return path


def panel(page):
    """The deal panel, once htmx has put it in the listing page."""
    section = page.locator("#deal-panel.deal-panel")
    expect(section).to_be_visible()
    return section


@pytest.fixture
def catalog():
    """The seeded catalog: a transactional test's flush may have emptied it."""
    importlib.import_module("marketplace.migrations.0003_catalog").add_catalog(apps, None)
    return ProductModel.objects.get(slug="trek-marlin-7")


def test_a_neighbour_finds_asks_offers_buys_and_reviews(
    page, phone_page, catalog, tmp_path, live_server
):
    seller = member_at("Sofia Seller", LYON)
    friend = member_at("Felix Friend", VILLEURBANNE)
    befriend(friend, seller)
    seller_tab, friend_tab = page, phone_page

    # The seller lists the bike with a photo, for anyone within 20 km.
    log_in(seller_tab, seller.email)
    seller_tab.get_by_role("navigation", name="Main").get_by_role("link", name="Market").click()
    seller_tab.wait_for_url("**/market/search/")
    seller_tab.goto("/market/listings/new/")
    form = seller_tab.locator("form.form")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Description").fill("Two summers ridden, new tyres, a scratch on the fork.")
    with seller_tab.expect_response("**/catalog-fields/**"):
        form.get_by_label("Category").select_option(str(catalog.category_id))
    expect(form.locator("#catalog-fields")).to_be_visible()
    form.get_by_label("Brand", exact=True).select_option(str(catalog.brand_id))
    form.get_by_label("Model", exact=True).select_option(str(catalog.pk))
    form.get_by_label("Condition").select_option("good")
    form.get_by_label("Price", exact=True).fill("450")
    expect(form.get_by_label("Place")).to_have_value("Lyon")
    form.get_by_label("Anyone nearby").check()
    form.get_by_label("Nearby radius (km)").fill("20")
    form.get_by_label("Photos").set_input_files(a_photo(tmp_path))
    shot(seller_tab, "market-01-seller-lists")
    form.get_by_role("button", name="Preview").click()
    seller_tab.wait_for_url("**/market/listings/*/preview/")
    seller_tab.get_by_role("button", name="Publish").click()
    seller_tab.wait_for_url("**/market/listings/*/")
    expect(seller_tab.get_by_role("status")).to_contain_text("Your listing is on sale.")
    listing = Listing.objects.get(title=TITLE)
    assert (listing.audience, listing.nearby_radius_km) == ("nearby", 20)
    assert listing.product_model == catalog and listing.photos.count() == 1
    expect(seller_tab.locator(".listing-cover img")).to_be_visible()
    expect(panel(seller_tab).get_by_text("No offers yet.")).to_be_visible()
    shot(seller_tab, "market-02-listing-live")

    # The friend, on a phone, opens the market from the menu and searches around home.
    log_in(friend_tab, friend.email)
    friend_tab.locator("label.nav-toggle-label").click()
    friend_tab.get_by_role("navigation", name="Main").get_by_role("link", name="Market").click()
    friend_tab.wait_for_url("**/market/search/")
    filters = friend_tab.get_by_role("search", name="Search listings")
    filters.get_by_label("Looking for").fill("Marlin")
    # On a phone the filters are folded away until opened.
    filters.get_by_text("Filters and sorting").click()
    filters.get_by_label("Distance from home").select_option("25")
    filters.get_by_role("button", name="Search").click()
    card = friend_tab.locator(f"#listing-{listing.pk}")
    expect(card).to_contain_text("km away")
    shot(friend_tab, "market-03-friend-finds-it")
    card.get_by_role("link", name=TITLE).click()
    friend_tab.wait_for_url(f"**/market/listings/{listing.pk}/")
    expect(friend_tab.get_by_role("link", name="Reviews of the Trek Marlin 7")).to_be_visible()

    # The friend asks a public question; the form comes back to the listing.
    panel(friend_tab).get_by_label("Ask a public question").fill("Does it come with pedals?")
    panel(friend_tab).get_by_role("button", name="Ask", exact=True).click()
    friend_tab.wait_for_url(f"**/market/listings/{listing.pk}/#deal-panel")
    expect(panel(friend_tab)).to_contain_text("Does it come with pedals?")
    expect(panel(friend_tab)).to_contain_text("Not answered yet.")
    shot(friend_tab, "market-04-friend-asks")

    # The seller answers on the listing page.
    seller_tab.reload()
    panel(seller_tab).get_by_label("Your answer").fill("Yes, flat pedals, nearly new.")
    panel(seller_tab).get_by_role("button", name="Answer", exact=True).click()
    seller_tab.wait_for_url(f"**/market/listings/{listing.pk}/#deal-panel")
    expect(panel(seller_tab)).to_contain_text("Seller: Yes, flat pedals, nearly new.")
    shot(seller_tab, "market-05-seller-answers")

    # The friend sees the answer and makes an offer.
    friend_tab.reload()
    expect(panel(friend_tab)).to_contain_text("Yes, flat pedals, nearly new.")
    panel(friend_tab).get_by_label("Your price (EUR)").fill("420")
    panel(friend_tab).get_by_label("Message to the seller (optional)").fill("I can come today.")
    panel(friend_tab).get_by_role("button", name="Send offer").click()
    friend_tab.wait_for_url(f"**/market/listings/{listing.pk}/#deal-panel")
    expect(friend_tab.get_by_role("status")).to_contain_text("Your offer is sent")
    expect(panel(friend_tab)).to_contain_text("Your open offer: €420")
    shot(friend_tab, "market-06-friend-offers")

    # The seller accepts it in place: the panel changes, the page does not reload.
    seller_tab.reload()
    offer_row = panel(seller_tab).locator(".offer-row", has_text="Felix Friend")
    expect(offer_row).to_contain_text("€420")
    expect(offer_row).to_contain_text("I can come today.")
    shot(seller_tab, "market-07-seller-sees-the-offer")
    seller_tab.evaluate("window.stillTheSamePage = true")
    offer_row.get_by_role("button", name="Accept").click()
    reserved = panel(seller_tab).get_by_role("heading", name="Reserved for Felix Friend")
    expect(reserved).to_be_visible()
    assert seller_tab.evaluate("window.stillTheSamePage") is True
    assert Offer.objects.get().status == Offer.Status.ACCEPTED
    shot(seller_tab, "market-08-seller-accepted")

    # The seller hands it over and marks it sold, then rates the buyer.
    panel(seller_tab).get_by_role("link", name="Mark sold to Felix Friend").click()
    seller_tab.wait_for_url("**/market/deals/listings/*/sold/")
    expect(seller_tab.get_by_label("Felix Friend")).to_be_checked()
    seller_tab.get_by_role("button", name="Mark sold").click()
    seller_tab.wait_for_url("**/market/deals/purchases/*/rate/")
    seller_tab.get_by_text("5 ★").click()
    seller_tab.get_by_label("One line (optional)").fill("On time and friendly.")
    shot(seller_tab, "market-09-seller-rates")
    seller_tab.get_by_role("button", name="Save rating").click()
    seller_tab.wait_for_url("**/market/deals/purchases/")
    purchase = Purchase.objects.get()
    assert (purchase.buyer, purchase.seller, purchase.verified) == (friend, seller, True)

    # The buyer is led from the listing to review the bike, tied to this purchase.
    friend_tab.reload()
    bought = panel(friend_tab).get_by_role("region", name="You bought it")
    expect(bought.get_by_role("link", name="Rate the seller")).to_be_visible()
    shot(friend_tab, "market-10-buyer-bought-it")
    bought.get_by_role("link", name="Write a review").click()
    friend_tab.wait_for_url(f"**/market/deals/purchases/{purchase.pk}/review/")
    review_form = friend_tab.locator("form.form").first
    review_form.get_by_label("5 stars").check()
    review_form.get_by_label("Title").fill("A trail bike that forgives")
    review_form.get_by_label("Your review").fill("Bought it second-hand nearby: light, precise.")
    review_form.get_by_role("button", name="Publish review").click()
    friend_tab.wait_for_url(f"**/market/products/{catalog.slug}/#my-review")
    review = friend_tab.locator(".card", has_text="A trail bike that forgives").first
    expect(review.get_by_text("Verified purchase")).to_be_visible()
    shot(friend_tab, "market-11-buyer-reviewed")
    assert Review.objects.get().purchase == purchase
    assert Category.objects.filter(slug="mountain-bikes").exists()


# --- Every marketplace page, on a desktop and a phone ------------------------------------------


def picture_upload(name: str, color) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class Place(TypedDict):
    """Where a listing is picked up, as `listing_create` takes it."""

    place: str
    latitude: Decimal
    longitude: Decimal


def a_market(catalog) -> dict:
    """Two neighbours and friends with a bit of everything: a sale with ratings and a review, a
    listing with questions, an offer and a conversation, a draft, a saved search, a watch, a
    report."""
    seller = member_at("Sofia Seller", LYON)
    buyer = member_at("Felix Friend", VILLEURBANNE)
    befriend(buyer, seller)
    place: Place = {"place": LYON[0], "latitude": LYON[1], "longitude": LYON[2]}
    sold = listings.listing_create(
        seller=seller,
        title=TITLE,
        category=catalog.category,
        product_model=catalog,
        brand=catalog.brand,
        condition="good",
        price="450",
        description="Two summers ridden, new tyres.",
        audience="nearby",
        nearby_radius_km=20,
        photos=[picture_upload("bike.png", (30, 110, 140))],
        publish=True,
        **place,
    )
    offers.offer_accept(
        seller=seller, offer=offers.offer_make(buyer=buyer, listing=sold, amount=420)
    )
    purchase = purchases.sale_complete(seller=seller, listing=sold)
    ratings.rating_give(rater=seller, purchase=purchase, stars=5, line="On time and friendly.")
    reviews.review_write(
        author=buyer,
        product_model=catalog,
        rating=4,
        title="A trail bike that forgives",
        text="Light, precise, a little harsh on long descents.",
        purchase=purchase,
    )
    lamp = listings.listing_create(
        seller=seller,
        title="Brass reading lamp with a long adjustable arm",
        category=Category.objects.get(slug="furniture"),
        condition="like_new",
        price="35",
        audience="friends",
        photos=[
            picture_upload("lamp.png", (200, 160, 60)),
            picture_upload("lamp-2.png", (120, 90, 40)),
        ],
        publish=True,
        **place,
    )
    question = questions.question_ask(asker=buyer, listing=lamp, text="Which bulb does it take?")
    questions.question_answer(seller=seller, question=question, text="E27, up to 60 W.")
    questions.question_ask(asker=buyer, listing=lamp, text="Is the switch on the cord?")
    offers.offer_make(buyer=buyer, listing=lamp, amount="30", message="Could pick up on Saturday.")
    conversation = conversations.conversation_start(
        buyer=buyer, listing=lamp, text="Hello! Could you send a photo of the base?"
    )
    conversations.message_send(
        sender=seller, conversation=conversation, text="Sure, added it just now."
    )
    listings.listing_create(
        seller=seller,
        title="Kids' helmet",
        category=catalog.category,
        condition="fair",
        price="8",
        **place,
    )
    search.saved_search_create(owner=buyer, query="road bike", max_price=600, radius_km=25)
    search.watch_add(user=buyer, listing_id=lamp.pk)
    message = conversation.messages.filter(sender=seller).get()
    reports.report_create(reporter=buyer, target=message, reason="spam", note="Just checking.")
    return {
        "seller": seller,
        "buyer": buyer,
        "sold": sold,
        "lamp": lamp,
        "purchase": purchase,
        "conversation": conversation,
    }


def tour(market, catalog) -> dict:
    """(person, address, name) of every marketplace page, as the person who would open it."""
    sold, lamp = market["sold"].pk, market["lamp"].pk
    purchase, conversation = market["purchase"].pk, market["conversation"].pk
    return {
        "seller": [
            ("/market/listings/mine/", "listings-mine"),
            ("/market/listings/new/", "listing-new"),
            (f"/market/listings/{lamp}/edit/", "listing-edit"),
            (f"/market/listings/{lamp}/", "listing-seller"),
            (f"/market/listings/{sold}/", "listing-sold-seller"),
            ("/market/deals/offers/received/", "offers-received"),
            ("/market/deals/conversations/", "conversations-seller"),
            (f"/market/deals/conversations/{conversation}/", "conversation-seller"),
            ("/market/deals/purchases/", "sales"),
            (f"/market/deals/purchases/{purchase}/rate/", "rate-done"),
        ],
        "buyer": [
            ("/market/search/", "search"),
            ("/market/search/?q=lamp&radius_km=25", "search-words"),
            ("/market/search/saved/", "saved-searches"),
            ("/market/watchlist/", "watchlist"),
            (f"/market/listings/{lamp}/", "listing-buyer"),
            (f"/market/listings/{sold}/", "listing-bought"),
            (f"/market/deals/listings/{lamp}/", "deals-listing"),
            ("/market/deals/offers/", "offers-made"),
            ("/market/deals/conversations/", "conversations-buyer"),
            (f"/market/deals/conversations/{conversation}/", "conversation-buyer"),
            ("/market/deals/purchases/", "purchases"),
            ("/market/deals/purchases/declare/", "purchase-declare"),
            (f"/market/deals/purchases/{purchase}/rate/", "rate"),
            (f"/market/deals/purchases/{purchase}/review/", "purchase-review"),
            (f"/market/products/{catalog.slug}/", "product"),
            ("/market/reviews/mine/", "reviews-mine"),
            (f"/market/report/listing/{lamp}/", "report"),
            ("/market/reports/mine/", "reports-mine"),
        ],
    }


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_market_page_fits_the_screen(request, width, catalog, sign_in_browser):
    tab = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    market = a_market(catalog)
    for person, pages in tour(market, catalog).items():
        sign_in_browser(tab, market[person])
        for path, name in pages:
            response = tab.goto(path)
            assert response.status == 200, path
            expect(tab.get_by_role("heading", level=1)).to_be_visible()
            if tab.locator("#deal-panel").count():
                panel(tab)  # loaded in place by htmx on the listing page
            viewport = tab.viewport_size["width"]
            scroll_width = tab.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= viewport, f"{path} scrolls sideways: {scroll_width}px wide"
            shot(tab, f"market-{width}-{name}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_account_menu_leads_to_every_market_list(request, width, owner, sign_in_browser):
    """The menu has the few things people look for; the market's tabs lead to the rest."""
    tab = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    sign_in_browser(tab, owner)
    in_the_menu = {
        "Your listings": "/market/listings/mine/",
        "Messages": "/market/deals/conversations/",
        "Purchases and sales": "/market/deals/purchases/",
        "Privacy": "/privacy/",
        "Settings": "/profile/",
    }
    for name, path in in_the_menu.items():
        tab.goto("/")
        if width == "phone":
            tab.locator("label.nav-toggle-label").click()
        tab.locator("details.menu > summary").click()
        if name == "Settings":
            shot(tab, f"market-{width}-account-menu")
        tab.locator("details.menu").get_by_role("link", name=name, exact=True).click()
        tab.wait_for_url(f"**{path}")
        expect(tab.get_by_role("heading", level=1)).to_be_visible()
    in_the_tabs = {
        "Offers received": "/market/deals/offers/received/",
        "Offers made": "/market/deals/offers/",
        "Reviews": "/market/reviews/mine/",
        "Watchlist": "/market/watchlist/",
        "Saved searches": "/market/search/saved/",
        "Reports": "/market/reports/mine/",
    }
    for name, path in in_the_tabs.items():
        tab.goto("/market/listings/mine/")
        tab.get_by_role("navigation", name="Your market").get_by_role(
            "link", name=name, exact=True
        ).click()
        tab.wait_for_url(f"**{path}")
        expect(tab.get_by_role("heading", level=1)).to_be_visible()
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(tab, f"market-{width}-tabs")
    # Deleting the account lives on the privacy page.
    tab.goto("/privacy/")
    tab.get_by_role("link", name="Delete your account").click()
    tab.wait_for_url("**/privacy/delete-account/")
    # Log out, the menu's last item, is always in reach.
    tab.goto("/")
    if width == "phone":
        tab.locator("label.nav-toggle-label").click()
    tab.locator("details.menu > summary").click()
    tab.get_by_role("button", name="Log out").click()
    expect(tab.locator("details.menu")).to_have_count(0)
