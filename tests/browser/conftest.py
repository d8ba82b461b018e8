"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Run them with `pytest -m browser`. Without /usr/bin/chromium they are skipped with the reason,
unless REQUIRE_SERVICES is set (CI), where a missing browser is a failure.

Every page fixture collects console errors and uncaught exceptions (a CSP violation is a console
error) and fails the test that produced any. Screenshots of the main steps go to
test-artifacts/screenshots/<name>.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# plain synchronous code, so Django's async-safety guard must step aside.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") not in ("", "0")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES is set: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _media_served_from_test_folder(_isolated_media_and_cache, settings, monkeypatch):
    """The media URL captured MEDIA_ROOT when the URLconf was imported; point it at this test's
    folder so uploaded avatars are served back to the browser."""
    from django.urls import get_resolver

    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "name", None) == "media":
            monkeypatch.setitem(pattern.default_args, "document_root", settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _emails_link_to_the_live_server(request, settings):
    """Emails link to SITE_URL: here, the live server the browser talks to."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url


def _open_page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.problems = problems
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop-sized tab (own cookies) on the live server; fails on any console error."""
    context, tab = _open_page(browser, live_server, DESKTOP)
    yield tab
    context.close()
    assert tab.problems == [], "The browser reported errors:\n" + "\n".join(tab.problems)


@pytest.fixture
def phone_page(browser, live_server):
    """Like `page`, at a phone's width."""
    context, tab = _open_page(browser, live_server, PHONE)
    yield tab
    context.close()
    assert tab.problems == [], "The browser reported errors:\n" + "\n".join(tab.problems)


@pytest.fixture
def screenshot():
    """`screenshot(page, "name")` saves test-artifacts/screenshots/name.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(tab, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in_browser(live_server):
    """Give a browser tab the session of `user`, as if they had just signed in."""
    from django.conf import settings
    from django.test import Client

    def sign_in(tab, user) -> None:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        tab.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in
