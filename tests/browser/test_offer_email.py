"""A seller who is not on the site hears of an offer by email, and a newcomer's first home page.

The seller is signed out. A buyer offers on their bike in a browser; the offer email arrives at a
real SMTP server (tests/smtp.py); the seller follows its link, signs in, and lands on the offer.
A second offer's email carries an unsubscribe link: one click on its button and offer emails
stop (a third offer reaches the app only), while other emails still come. Then a newcomer signs
up, names a home town, and their first home page starts with what is for sale near it.
Screenshots: test-artifacts/screenshots/offer-email-*.png."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from social.models import Notification
from tests.browser.test_first_sale import set_home, sign_up
from tests.browser.test_market_journey import (
    LYON,
    VILLEURBANNE,
    catalog,
    member_at,
    panel,
    shot,
)
from tests.factories import PASSWORD, marlin_for_sale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["catalog"]

LINK = re.compile(r"https?://\S+")


def fits_the_screen(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def offer(tab, listing, amount: str) -> None:
    tab.goto(f"/market/listings/{listing.pk}/")
    panel(tab).get_by_label("Your price (EUR)").fill(amount)
    panel(tab).get_by_role("button", name="Send offer").click()
    expect(tab.get_by_role("status")).to_contain_text("Your offer is sent")


def links_in(message) -> list[str]:
    return LINK.findall(message.get_body(preferencelist=("plain",)).get_content())


def test_a_signed_out_seller_hears_of_an_offer_by_email_and_stops_offer_emails_in_one_click(
    page, phone_page, catalog, smtp_inbox, live_server, sign_in_browser
):
    seller = member_at("Sofia Seller", LYON)
    listing = marlin_for_sale(seller, title="Trek Marlin 7, size M", price="450")
    first, second, third = (
        member_at(name, VILLEURBANNE) for name in ("Bea Buyer", "Carl Buyer", "Dina Buyer")
    )

    # A buyer offers on a phone; the seller is nowhere on the site.
    sign_in_browser(phone_page, first)
    offer(phone_page, listing, "380")

    # The email arrived over SMTP, in the site's own words, and links to the offer.
    [email] = smtp_inbox.to(seller.email)
    # (Python's header folding can double a space where it wraps an encoded word.)
    assert (
        " ".join(email["Subject"].split()) == "Bea Buyer offered €380 for “Trek Marlin 7, size M”."
    )
    offers_link = next(link for link in links_in(email) if "/market/deals/offers/" in link)
    assert offers_link.startswith(live_server.url)

    # Following it signed out asks to sign in, then opens the offer.
    page.goto(offers_link)
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Email").fill(seller.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{urlsplit(offers_link).path}")
    row = page.locator(".offer-row, .person-row, li", has_text="Bea Buyer").first
    expect(row).to_contain_text("€380")
    shot(page, "offer-email-01-offer-from-the-email-1280")

    # A second buyer offers: another email, whose unsubscribe link stops offer emails.
    sign_in_browser(phone_page, second)
    offer(phone_page, listing, "400")
    email = smtp_inbox.to(seller.email)[-1]
    assert email["Subject"].startswith("Carl Buyer offered €400")
    unsubscribe = next(link for link in links_in(email) if "/unsubscribe/" in link)
    assert email["List-Unsubscribe"] == f"<{unsubscribe}>"
    page.context.clear_cookies()  # from any mail client, signed in or not
    page.goto(unsubscribe)
    expect(page.get_by_role("heading", name="Email choices")).to_be_visible()
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("status")).to_contain_text(
        "no more emails about “Offers and counter-offers”"
    )
    shot(page, "offer-email-02-unsubscribed-1280")

    # A third offer reaches the seller in the app, not by email.
    sent = len(smtp_inbox.to(seller.email))
    sign_in_browser(phone_page, third)
    offer(phone_page, listing, "410")
    assert len(smtp_inbox.to(seller.email)) == sent
    assert Notification.objects.filter(recipient=seller, text__contains="Dina Buyer").exists()


def test_a_newcomers_first_home_page_starts_with_what_is_for_sale_near_them(
    page, phone_page, catalog, smtp_inbox
):
    seller = member_at("Sofia Seller", LYON)
    marlin_for_sale(seller, title="Trek Marlin 7, size M", audience="public")

    sign_up(phone_page, "nina@example.com", smtp_inbox, "Nina Newcomer")
    set_home(phone_page, "Villeur", "Villeurbanne, France")
    phone_page.goto("/")

    near = phone_page.get_by_role("region", name="For sale near Villeurbanne, France")
    expect(near.get_by_role("link", name="Trek Marlin 7, size M")).to_be_visible()
    expect(phone_page.get_by_role("heading", name="Your next steps")).to_be_visible()
    assert fits_the_screen(phone_page)
    shot(phone_page, "offer-email-03-newcomer-home-390")
