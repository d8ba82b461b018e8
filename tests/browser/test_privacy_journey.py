"""A newcomer's privacy choices, in a real browser: sign up, confirm the email, turn one purpose on
in the welcome, see it and its history on the privacy dashboard, turn it off with one click, then
ask for a copy of one's data and download it."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from privacy.models import ConsentRecord, ConsentState
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant
from privacy.services.exports import export_request
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ines@example.com"
PASSWORD = "a calm and careful passphrase 17"
SOCIAL = Purpose.SOCIAL_PROOF.value


def confirmation_link(outbox) -> str:
    assert len(outbox) == 1, [message.subject for message in outbox]
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+", outbox[0].body)
    assert match, outbox[0].body
    return match.group(0)


def open_account_menu_link(page, name: str) -> None:
    page.locator("details.menu > summary").click()
    page.locator("details.menu").get_by_role("link", name=name, exact=True).click()


def shot(page, name: str) -> None:
    """A full-page screenshot that leaves the caret alone: hiding it gives every input an empty
    style attribute, which the CSP reports as soon as htmx swaps that part of the page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def history_rows(page) -> list[str]:
    history = page.get_by_role("region", name="Your consent history")
    return [row.inner_text() for row in history.locator("tbody tr").all()]


def test_a_newcomer_grants_withdraws_and_downloads_a_copy_of_their_data(
    page, live_server, mailoutbox
):
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Pia Private")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")

    page.goto(confirmation_link(mailoutbox))
    page.get_by_role("button", name="Confirm").click()

    # The welcome: everything off, one click to turn social proof on for friends.
    page.wait_for_url("**/privacy/welcome/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your data, your choice"
    card = page.locator(f"#purpose-{SOCIAL}")
    assert card.locator(".badge").inner_text() == "Off"
    shot(page, "privacy-01-welcome")

    card.get_by_role("button", name="Turn on for friends", exact=True).click()
    expect(card.get_by_role("status")).to_have_text("On for friends.")
    expect(card.locator(".badge")).to_have_text("On")
    shot(page, "privacy-02-welcome-granted")
    state = ConsentState.objects.get(user__email=EMAIL, purpose=SOCIAL)
    assert state.scope == "friends"

    page.get_by_role("button", name="Done", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    assert "You're all set" in page.get_by_role("status").inner_text()

    # The dashboard: the grant, who it is for, and its line in the history.
    open_account_menu_link(page, "Privacy")
    page.wait_for_url("**/privacy/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your privacy"
    card = page.locator(f"#purpose-{SOCIAL}")
    assert card.locator(".badge").inner_text() == "On"
    assert "Who for\nFriends" in card.locator("dl").inner_text()
    rows = history_rows(page)
    assert len(rows) == 1
    assert re.search(r"Friends can learn from my purchases\s+Granted\s+Friends", rows[0])
    assert "Onboarding" in rows[0]
    shot(page, "privacy-03-dashboard-granted")

    # One click turns it off in place: the card changes, the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    card.get_by_role("button", name="Turn off").click()
    expect(card.get_by_role("status")).to_contain_text("Nothing of yours is used for this")
    expect(card.locator(".badge")).to_have_text("Off")
    assert card.get_by_role("button", name="Turn on for friends", exact=True).is_visible()
    assert page.evaluate("window.notReloaded") is True
    assert not ConsentState.objects.filter(user__email=EMAIL, purpose=SOCIAL).exists()
    shot(page, "privacy-04-dashboard-withdrawn")

    page.reload()
    rows = history_rows(page)
    assert len(rows) == 2
    assert re.search(r"Friends can learn from my purchases\s+Withdrawn", rows[0])
    assert "Privacy dashboard" in rows[0]
    assert ConsentRecord.objects.filter(user__email=EMAIL).count() == 2
    shot(page, "privacy-05-dashboard-history")

    # A copy of one's data: asked for, prepared, downloaded as a zip with its manifest.
    page.get_by_role("link", name="Download a copy of your data").click()
    page.wait_for_url("**/privacy/exports/")
    assert page.get_by_role("heading", level=1).inner_text() == "Download your data"
    shot(page, "privacy-06-exports-empty")
    page.get_by_role("button", name="Request a copy of my data").click()
    download_link = page.get_by_role("link", name=re.compile(r"^Download zip"))
    download_link.wait_for(timeout=20_000)
    expect(page.locator("#exports .badge").first).to_have_text("Ready to download")
    shot(page, "privacy-07-exports-ready")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.startswith("bazaar-export-")
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        names = archive.namelist()
        assert "manifest.json" in names
        assert archive.testzip() is None


PAGES = [
    ("/privacy/welcome/", "Your data, your choice", "welcome"),
    ("/privacy/", "Your privacy", "dashboard"),
    ("/privacy/exports/", "Download your data", "exports"),
    ("/privacy/delete-account/", "Delete your account", "delete-account"),
]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_privacy_pages_fit_the_screen(request, width, owner, sign_in_browser):
    tab = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    sign_in_browser(tab, owner)
    consent_grant(user=owner, purpose=Purpose.INFLUENCE, scope=Scope.FRIENDS)
    export_request(user=owner)
    for path, heading, name in PAGES:
        tab.goto(path)
        assert tab.get_by_role("heading", level=1).inner_text() == heading
        viewport = tab.viewport_size["width"]
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport, f"{path} scrolls sideways: {scroll_width}px wide"
        shot(tab, f"privacy-{width}-{name}")


def test_the_delete_account_page_is_linked_from_the_privacy_page(page, owner, sign_in_browser):
    sign_in_browser(page, owner)
    page.goto("/privacy/")
    page.get_by_role("link", name="Delete your account").click()
    page.wait_for_url("**/privacy/delete-account/")
    assert page.get_by_role("heading", level=1).inner_text() == "Delete your account"
    settings = page.get_by_role("navigation", name="Settings")
    assert settings.get_by_role("link", name="Privacy").get_attribute("aria-current") == "page"
    assert settings.get_by_role("link", name="Privacy").is_visible()
    assert settings.get_by_role("link", name="Download my data").is_visible()
    shot(page, "privacy-08-delete-account")
