"""Every account page renders inside Bazaar's own layout, at desktop and phone widths, without a
browser error; two-factor sign-in and social buttons work the way a person meets them."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from accounts.services import profile_mark_onboarded
from tests.factories import PASSWORD, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def assert_in_our_layout(page, heading: str) -> None:
    assert page.locator("header.site-header nav[aria-label=Main]").count() == 1
    assert page.locator("footer.site-footer").count() == 1
    assert heading in page.get_by_role("heading", level=1).inner_text()


VISITOR_PAGES = [
    ("/", "Buy, sell and decide", "home-visitor"),
    ("/accounts/login/", "Sign In", "login"),
    ("/accounts/signup/", "Sign Up", "signup"),
    ("/accounts/password/reset/", "Password Reset", "password-reset"),
]

MEMBER_PAGES = [
    ("/", "Welcome, Olivia Owner", "home-member"),
    ("/profile/", "Your profile", "profile"),
    ("/accounts/email/", "Email Addresses", "email"),
    ("/accounts/password/change/", "Change Password", "password-change"),
    ("/accounts/2fa/", "Two-Factor Authentication", "2fa"),
    ("/accounts/logout/", "Sign Out", "logout"),
]


SIZES = {"desktop": "page", "phone": "phone_page"}


@pytest.mark.parametrize("size", SIZES)
def test_visitor_pages_use_our_layout(request, size, screenshot):
    page = request.getfixturevalue(SIZES[size])
    for path, heading, name in VISITOR_PAGES:
        page.goto(path)
        assert_in_our_layout(page, heading)
        screenshot(page, f"visitor-{name}-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_member_pages_use_our_layout(request, size, owner, screenshot):
    page = request.getfixturevalue(SIZES[size])
    log_in(page, owner.email)
    for path, heading, name in MEMBER_PAGES:
        page.goto(path)
        assert_in_our_layout(page, heading)
        screenshot(page, f"member-{name}-{size}")

    # Turning on two-factor asks for the password again first.
    page.goto("/accounts/2fa/totp/activate/")
    assert_in_our_layout(page, "Confirm Access")
    screenshot(page, f"member-reauthenticate-{size}")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert_in_our_layout(page, "Activate Authenticator App")
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    screenshot(page, f"member-2fa-activate-{size}")


def test_on_a_phone_the_menu_opens_from_its_button(phone_page, screenshot):
    phone_page.goto("/")
    links = phone_page.locator("#nav-links")
    assert not links.is_visible()
    phone_page.get_by_label("Show the menu").check()
    assert links.is_visible()
    assert (
        phone_page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Log in")
        .is_visible()
    )
    screenshot(phone_page, "phone-menu-open")


def test_a_member_with_an_authenticator_app_is_asked_for_a_code(page, live_server, screenshot):
    person = PersonFactory.create(name="Tara Totp")
    profile_mark_onboarded(user=person)  # past the welcome: signing in leads home
    secret = generate_totp_secret()
    TOTP.activate(person, secret)

    log_in(page, person.email)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert_in_our_layout(page, "Two-Factor Authentication")
    screenshot(page, "2fa-authenticate")

    now = int(time.time()) // mfa_settings.TOTP_PERIOD
    page.get_by_label("Code").fill(format_hotp_value(hotp_value(secret, now)))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Tara Totp"


def test_social_buttons_show_only_for_configured_providers(page, settings, screenshot):
    page.goto("/accounts/login/")
    assert page.locator(".providers").count() == 0

    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id", "secret": "secret"}], "SCOPE": ["email"]}
    }
    page.goto("/accounts/login/")
    assert page.get_by_role("link", name="Continue with Google").is_visible()
    assert page.get_by_role("link", name="Continue with Facebook").count() == 0
    screenshot(page, "login-with-google")


def test_dark_mode_follows_the_system_setting(page, owner, screenshot):
    page.goto("/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light != dark
    screenshot(page, "dark-home-visitor")
    log_in(page, owner.email)
    page.goto("/profile/")
    screenshot(page, "dark-profile")


def test_the_page_fixture_notices_a_csp_violation(page):
    """The guard every browser test relies on: an inline style is refused and reported."""
    page.goto("/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">inline</p>')"
    )
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in problem for problem in page.problems)
    page.problems.clear()
