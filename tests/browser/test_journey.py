"""A newcomer's first visit, in a real browser: sign up, confirm the email, fill in the profile,
log out and back in."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "rosa@example.com"
PASSWORD = "a sturdy Bazaar passphrase 42"


def png_bytes(colour: str = "#c2410c", size: int = 160) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def confirmation_link(outbox) -> str:
    assert len(outbox) == 1, [message.subject for message in outbox]
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+", outbox[0].body)
    assert match, outbox[0].body
    return match.group(0)


def test_a_visitor_signs_up_confirms_fills_in_the_profile_and_comes_back(
    page, live_server, mailoutbox, screenshot
):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Buy, sell and decide")
    screenshot(page, "01-home-visitor")

    page.get_by_role("main").get_by_role("link", name="Join Bazaar").click()
    page.wait_for_url("**/accounts/signup/")
    page.get_by_label("Your name").fill("Nora Newcomer")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    screenshot(page, "02-signup")
    page.get_by_role("button", name="Sign Up").click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert "Confirm your email address" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("button", name="Send it again").is_visible()
    screenshot(page, "03-verify-email")

    page.goto(confirmation_link(mailoutbox))
    screenshot(page, "04-confirm-email")
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/privacy/welcome/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your data, your choice"
    screenshot(page, "04b-privacy-welcome")
    page.get_by_role("button", name="Skip all: keep everything off").click()

    page.wait_for_url(f"{live_server.url}/")
    user = User.objects.get(email=EMAIL)
    assert page.get_by_role("heading", level=1).inner_text() == f"Welcome, {user.display_name}"
    screenshot(page, "05-home-new-member")

    steps = page.get_by_role("region", name="Your next steps")
    expect(steps.get_by_role("link", name="Find people you know")).to_be_visible()
    steps.get_by_role("link", name="Set your home town").click()
    page.wait_for_url("**/profile/**")
    assert page.get_by_label("Display name").input_value() == "Nora Newcomer"
    page.get_by_label("Display name").fill("Rosa Market")
    page.get_by_label("Bio").fill("Cyclist, cook, collector of old maps.")
    page.get_by_label("Home town").fill("Lyon, France")
    page.get_by_label("Avatar").set_input_files(
        {"name": "rosa.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    screenshot(page, "06-profile-filled")
    page.get_by_role("button", name="Save profile").click()

    page.wait_for_load_state()
    assert "Your profile is saved." in page.get_by_role("status").inner_text()
    screenshot(page, "07-profile-saved")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Rosa Market"
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="For sale near Lyon, France")).to_be_visible()
    expect(main.get_by_role("link", name="Set your home town")).to_have_count(0)
    expect(main.get_by_role("search", name="How your friends decided")).to_be_visible()
    avatar = page.locator(".site-header img.avatar")
    assert "/media/avatars/" in avatar.get_attribute("src")
    assert avatar.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "08-home-member")

    page.locator("details.menu > summary").click()
    screenshot(page, "09-account-menu")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="Log in").first.is_visible()
    assert "Welcome" not in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    screenshot(page, "10-login")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Rosa Market"


def test_a_text_file_as_avatar_is_refused_with_the_error_next_to_the_field(
    page, owner, sign_in_browser, screenshot
):
    sign_in_browser(page, owner)
    page.goto("/profile/")
    page.get_by_label("Avatar").set_input_files(
        {"name": "notes.png", "mimeType": "image/png", "buffer": b"just some words, no pixels"}
    )
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()

    assert "not saved" in page.get_by_role("alert").inner_text()
    field = page.locator(".field.has-error")
    assert field.count() == 1
    assert "not a picture we can read" in field.inner_text()
    assert page.get_by_label("Avatar").get_attribute("aria-invalid") == "true"
    screenshot(page, "11-profile-bad-avatar")
    owner.profile.refresh_from_db()
    assert not owner.profile.avatar
    # The refused form is answered 400, which the browser reports; that one is expected.
    page.problems[:] = [p for p in page.problems if "status of 400" not in p]
