"""The "bike" story on the demo data, in a real browser: `seed_demo` builds the community, Anna
(the documented demo login) signs in through the login page, searches "bike" and sees how her own
network decided before any listing: the funnel with its numbers, the friends behind each step and
their reviews, the reviews of the people she trusts with the reasons, listings nearby with "friends
reviewed this model"; then a listing with "friends who bought or reviewed it", the trusted voices
in Bikes with the path to each, her own influence, and "For you" with "Why am I seeing this?".

Every number and name the page should show is computed here through the same services
(`social_search`, `friends_who_bought`, `trusted_voices`, `you_may_like`), so a page that drifts
from the data fails."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from demo.people import ANNA, DEMO_LOGINS
from marketplace.models import Listing
from recommendations import personal, trusted
from recommendations.influence import own_topics
from recommendations.influence_scale import own_scales
from recommendations.social_search import friends_who_bought, social_search
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def restore_reference_data() -> None:
    """What the migrations put in every database (topics, interests, catalog): a transactional
    test before this one may have flushed it."""
    for module, function in (
        ("social.migrations.0002_topics", "add_topics"),
        ("accounts.migrations.0002_interests", "add_interests"),
        ("marketplace.migrations.0003_catalog", "add_catalog"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def demo():
    restore_reference_data()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def shot(page, folder, name: str):
    """A full-page screenshot, kept with the others (test-artifacts/screenshots/) to be looked
    at; `folder` is unused, kept for the callers' shape."""
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky header lands mid-picture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"bike-story-{name}.png"
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


def fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways: {width}px"


def test_anna_walks_the_bike_story_on_the_demo_data(page, demo, tmp_path):
    assert ANNA.email in dict(DEMO_LOGINS), "Anna is a documented demo login"
    anna = User.objects.get(email=ANNA.email)

    # She signs in through the real login form with the demo password.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(ANNA.email)
    page.get_by_label("Password", exact=True).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # Discover, from the main menu; she types "bike".
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Discover").click()
    page.wait_for_url("**/discover/search/")
    form = page.get_by_role("search", name="Search your network")
    form.get_by_label("What are you looking for?").fill("bike")
    form.get_by_role("button", name="See how your friends decided").click()
    page.wait_for_url("**/discover/search/?q=bike")

    # The funnel: the sentence with the numbers of her network, before any listing.
    expected = social_search(anna, "bike")
    funnel = expected.funnel
    keys = [step.key for step in funnel.steps]
    assert keys == ["talked", "bought", "kind", "brand"], keys
    talked, bought, kind, brand = funnel.steps
    assert talked.friends >= bought.friends >= kind.friends >= brand.friends >= 2
    assert funnel.sentence.startswith(f"Of your friends, {talked.friends} talked about bikes, ")
    network = page.get_by_role("region", name="Your network on bikes")
    expect(network.get_by_text(f"{funnel.sentence}. Open a step to see who.")).to_be_visible()
    assert page.locator("#funnel-title").evaluate(
        "(funnel) => funnel.compareDocumentPosition(document.querySelector('#listings-title'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING"
    ), "the funnel comes before the listings"
    fits_the_screen(page)
    shot(page, tmp_path, "1-search")

    # Each step is a labelled bar as wide as its count of friends, the number in its text.
    bars = network.locator(".discover-funnel > li")
    expect(bars).to_have_count(len(funnel.steps))
    for row, each in zip(bars.all(), funnel.steps, strict=True):
        expect(row.locator("summary")).to_contain_text(f"{each.friends} friends {each.label}")
        width = row.locator(".bar-fill").get_attribute("width")
        widest = max(other.friends for other in funnel.steps)
        assert int(width) == round(100 * each.friends / widest), (each.key, width)

    # She opens "talked about bikes": her friends, with their avatars and what they said.
    first = bars.first
    first.locator("summary").click()
    speaker = next(entry for entry in talked.named if entry.post)
    person = first.locator(
        ".discover-person", has=page.get_by_role("link", name=speaker.person.display_name)
    )
    expect(person.locator(".avatar")).to_be_visible()
    expect(person).to_contain_text(speaker.post[:40])
    first.locator("summary").click()

    # She opens "the same brand" and sees who, with their reviews of that brand.
    step = bars.nth(3)
    expect(step).to_contain_text(f"{brand.friends} friends {brand.label}")
    step.locator("summary").click()
    named = [entry for entry in brand.named]
    for entry in named:
        expect(step.get_by_role("link", name=entry.person.display_name)).to_be_visible()
        for review in entry.reviews:
            expect(step).to_contain_text(review.title)
    assert any(entry.reviews for entry in named), "someone in the brand step reviewed it"
    assert all(r.product_model.brand_id for entry in named for r in entry.reviews)
    if brand.fof is not None:  # counted with noise, in words, never named
        expect(step).to_contain_text(f"friends of friends: {brand.fof_words}")
        expect(step).to_contain_text("Friends of friends are counted, never named;")
    shot(page, tmp_path, "2-brand-step-open")

    # The reviews of the people she trusts, most trusted first, each saying why.
    reviews = page.get_by_role("region", name="Reviews from people you trust")
    cards = reviews.locator("article")
    expect(cards).to_have_count(len(expected.reviews))
    assert expected.reviews, "her network shares bike reviews with her"
    for card, item in zip(cards.all(), expected.reviews, strict=True):
        expect(card).to_contain_text(item.review.title)
        expect(card).to_contain_text(f"Why first: {', '.join(item.reasons)}.")
    assert expected.reviews[0].relation == "friend", "a friend who knows bikes comes first"
    badges = reviews.locator("article header .badge")
    expect(badges.first).to_have_text("Friend")

    # Listings nearby, with how many friends reviewed the model.
    listings = [row for row in expected.listings.results if row.friends_reviewed]
    assert listings, "a bike for sale near Anna is a model her friends reviewed"
    chosen = max(listings, key=lambda row: row.friends_reviewed)
    nearby = page.get_by_role("region", name="For sale near you")
    tile = nearby.locator(".listing-grid > div", has=page.locator(f"#listing-{chosen.pk}"))
    n = chosen.friends_reviewed
    expect(tile).to_contain_text(f"{n} friend{'s' * (n != 1)} reviewed this model")
    nearby.scroll_into_view_if_needed()  # the photos load lazily
    photos = nearby.locator(".listing-card-photo img")
    for photo in photos.all():
        expect(photo).to_have_js_property("complete", True)
        assert photo.evaluate("(img) => img.naturalWidth") > 0, "a listing photo is broken"
    shot(page, tmp_path, "2b-nearby")

    # She opens that listing: the friends who bought or reviewed its model.
    tile.get_by_role("link", name=chosen.title).click()
    page.wait_for_url(f"**/market/listings/{chosen.pk}/")
    listing = Listing.objects.select_related("product_model").get(pk=chosen.pk)
    answer = friends_who_bought(anna, listing.product_model)
    assert answer.friends, "friends bought or reviewed this model"
    panel = page.get_by_role("region", name="Friends who bought or reviewed it")
    for friend in answer.friends:
        expect(panel.get_by_role("link", name=friend.display_name)).to_be_visible()
    expect(page.locator("#deal-panel.deal-panel")).to_be_visible()  # htmx has filled it in
    fits_the_screen(page)
    shot(page, tmp_path, "3-listing")

    # Back on the search, the way to the trusted voices in Bikes: each with the path to her.
    page.go_back()
    page.get_by_role("link", name="trusted voices in Bikes").click()
    page.wait_for_url("**/discover/voices/bikes/")
    bikes = listing.category.parent if listing.category.parent_id else listing.category
    voices = trusted.trusted_voices(anna, bikes)
    shown = page.locator("#trusted-voices > li")
    expect(shown).to_have_count(len(voices))
    for row, voice in zip(shown.all(), voices, strict=True):
        expect(row.get_by_role("link", name=voice.person.profile.display_name)).to_be_visible()
        expect(row).to_contain_text(voice.path)
    far = [voice for voice in voices if voice.via is not None]
    assert far, "someone beyond her friends is a trusted voice, through a friend"
    assert far[0].path.startswith(f"Via {far[0].via.profile.display_name}")
    assert any(", who is in your " in voice.path for voice in far)
    expect(page.get_by_text(far[0].path, exact=True)).to_be_visible()
    fits_the_screen(page)
    shot(page, tmp_path, "4-voices")

    # Her own influence, from the voices page.
    page.get_by_role("link", name="Your own influence").click()
    page.wait_for_url("**/discover/influence/")
    mine = own_scales(anna, own_topics(anna))
    assert mine and mine[0].topic.score, "Anna's experience reaches her friends"
    assert mine[0].topic.category.slug == "bikes", "bikes are her strongest, as her story says"
    rows = page.locator("#influence-scores > li")
    expect(rows).to_have_count(len(mine))
    expect(rows.first).to_contain_text("Bikes")
    expect(rows.first).to_contain_text("Your strongest")
    for row, scale in zip(rows.all(), mine, strict=True):
        expect(row).to_contain_text(scale.words)
        expect(row).to_contain_text(scale.experience)
    expect(page.get_by_role("button", name="Turn “Trusted voice” off")).to_be_visible()
    fits_the_screen(page)
    shot(page, tmp_path, "5-influence")

    # "For you", from the home page: each listing says why it is shown.
    page.goto("/")
    page.get_by_role("link", name="For you: listings you may like, and why").click()
    page.wait_for_url("**/discover/for-you/")
    suggestions = personal.you_may_like(anna)
    assert suggestions, "Anna has recommendations turned on and something to suggest"
    items = page.locator(".recommendation-list > li")
    expect(items).to_have_count(len(suggestions))
    first = items.first
    expect(first).to_contain_text(suggestions[0].listing.title)
    expect(first).to_contain_text(f"Why am I seeing this? {suggestions[0].reason}")
    expect(first.locator(".listing-card-photo img")).to_be_visible()  # every card has its photo
    fits_the_screen(page)
    shot(page, tmp_path, "6-for-you")


def test_anna_searches_a_word_nobody_knows_and_a_specific_kind(page, demo, tmp_path):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(ANNA.email)
    page.get_by_label("Password", exact=True).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # A word the catalog does not know says so, with topics to try, and no funnel of zeros.
    page.goto("/discover/search/?q=xyzzy")
    expect(page.get_by_role("heading", name="We don’t know “xyzzy” yet")).to_be_visible()
    expect(page.locator(".discover-funnel")).to_have_count(0)
    expect(page.locator(".discover-suggestions a").first).to_be_visible()
    fits_the_screen(page)
    shot(page, tmp_path, "7-unknown")

    # "mountain bike" answers about mountain bikes, not bikes in general.
    anna = User.objects.get(email=ANNA.email)
    expected = social_search(anna, "mountain bike").funnel
    page.goto("/discover/search/?q=mountain+bike")
    network = page.get_by_role("region", name="Your network on mountain bikes")
    expect(network.get_by_text(f"{expected.sentence}. Open a step to see who.")).to_be_visible()
    fits_the_screen(page)
    shot(page, tmp_path, "8-mountain-bikes")


def test_annas_pages_read_on_a_phone(phone_page, demo, sign_in_browser):
    """Home, Discover ("bike", a word nobody knows, "mountain bike"), her influence and "For you"
    at 390 px: each opens on its heading and nothing scrolls sideways."""
    sign_in_browser(phone_page, User.objects.get(email=ANNA.email))
    for path, heading, name in (
        ("/", "Welcome, Anna", "home"),
        ("/discover/search/?q=bike", "Your network on bikes", "search"),
        ("/discover/search/?q=xyzzy", "We don’t know “xyzzy” yet", "unknown"),
        ("/discover/search/?q=mountain+bike", "Your network on mountain bikes", "mountain-bikes"),
        ("/discover/influence/", "Your influence", "influence"),
        ("/discover/for-you/", "You may like", "for-you"),
    ):
        phone_page.goto(path)
        expect(phone_page.get_by_role("heading", level=1)).to_contain_text(heading)
        fits_the_screen(phone_page)
        shot(phone_page, None, f"390-{name}")
