"""Places by town name in a real browser: a member types "Lyo", picks "Lyon, France" from the
suggestions and saves it as home; another lets the browser tell where they are and gets the
nearest town's name. Nothing shows coordinates, and nothing scrolls sideways on a phone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Profile
from accounts.services import profile_mark_onboarded
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def member(name: str):
    person = PersonFactory.create(name=name)
    profile_mark_onboarded(user=person)
    return person


def top(tab):
    """The tab scrolled to the top, so the sticky header does not land mid-picture."""
    tab.evaluate("window.scrollTo(0, 0)")
    return tab


def fits_the_screen(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("tab_name", ["page", "phone_page"])
def test_a_member_types_lyo_picks_lyon_france_and_saves_home(
    request, tab_name, sign_in_browser, screenshot
):
    tab = request.getfixturevalue(tab_name)
    width = "390" if tab_name == "phone_page" else "1280"
    person = member(f"Rosa Places {width}")
    sign_in_browser(tab, person)
    tab.goto("/profile/")

    town = tab.get_by_label("Home town")
    town.press_sequentially("Lyo", delay=60)
    suggestions = tab.locator("datalist#id_home_place-towns option")
    expect(suggestions.first).to_have_attribute("value", "Lyon, France")
    assert suggestions.count() <= 8
    # Picking a suggestion puts its label in the input, as the browser's list does.
    town.fill(suggestions.first.get_attribute("value"))
    expect(town).to_have_value("Lyon, France")
    assert fits_the_screen(tab)
    screenshot(top(tab), f"places-01-profile-town-picked-{width}")

    tab.get_by_role("button", name="Save profile").click()
    expect(tab.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(tab.get_by_label("Home town")).to_have_value("Lyon, France")
    profile = Profile.objects.get(user=person)
    assert (profile.home_place, profile.home_latitude, profile.home_longitude) == (
        "Lyon, France",
        Decimal("45.75"),
        Decimal("4.85"),
    )
    assert "45.75" not in tab.content()


def test_use_my_location_fills_in_the_nearest_towns_name(phone_page, sign_in_browser, screenshot):
    tab = phone_page
    tab.context.grant_permissions(["geolocation"])
    tab.context.set_geolocation({"latitude": 45.7665, "longitude": 4.8795})
    sign_in_browser(tab, member("Vera Located"))
    tab.goto("/market/listings/new/")

    tab.get_by_role("button", name="Use my location").click()
    place = tab.get_by_label("Place")
    expect(place).to_have_value("Villeurbanne, France")
    expect(tab.get_by_text("Nearest town: Villeurbanne, France.")).to_be_visible()
    assert fits_the_screen(tab)
    screenshot(top(tab), "places-02-listing-form-located-390")


def test_an_unknown_town_is_refused_with_a_sentence_on_the_field(page, sign_in_browser, screenshot):
    person = member("Xavier Unknown")
    sign_in_browser(page, person)
    page.goto("/profile/")
    page.get_by_label("Home town").fill("Xyzzy")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("We don't know a town called “Xyzzy”.")).to_be_visible()
    screenshot(top(page), "places-03-unknown-town-1280")
    assert Profile.objects.get(user=person).home_place == ""
    # The refused form is answered 400, which the browser reports; that one is expected.
    page.problems[:] = [p for p in page.problems if "status of 400" not in p]
