"""The brand side in a real browser: a member goes from Trek's page to being a fan (only them, by
default), asks for feedback requests, allows anonymous insights, comments, takes part in Trek's
poll and sees its results; the member who runs Trek's page sees the same chart and no fan by
name. The pages at phone width do not scroll sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.models import BrandComment, CampaignEntry, Fan
from marketplace.services.brands import brand_claim, brand_claims_decide, fan_set
from marketplace.services.campaigns import campaign_answer, campaign_create
from privacy.purposes import Purpose
from tests.browser.test_market_journey import LYON, VILLEURBANNE, log_in, member_at, shot
from tests.browser.test_market_journey import catalog as catalog  # the seeded catalog fixture
from tests.browser.test_trust_journey import no_sideways_scroll
from tests.factories import make_admin
from tests.factories.social import consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Which colour for the next Marlin?"


def test_a_member_becomes_a_fan_comments_joins_a_poll_and_the_manager_sees_the_chart(
    page, phone_page, catalog, sign_in_browser
):
    trek = catalog.brand
    lea = member_at("Léa Manager", LYON)
    claim = brand_claim(member=lea, brand_id=trek.pk, note="Community manager")
    brand_claims_decide(staff=make_admin(), claim_ids=[claim.pk], approve=True)
    poll = campaign_create(
        manager=lea,
        brand_id=trek.pk,
        kind="poll",
        title=QUESTION,
        question="We are choosing next year's colours.",
        choices=["Forest green", "Sunset orange"],
        ends_at=timezone.now() + timedelta(days=14),
    )
    poll.min_participants = 5
    poll.save(update_fields=["min_participants"])
    for n in range(8):  # fans who asked for feedback, allow insights, and answered
        fan = member_at(f"Fan {n}", LYON)
        fan_set(member=fan, brand_id=trek.pk, campaigns=True)
        consent(fan, purpose=Purpose.INSIGHTS)
        green, orange = poll.choices.all()
        campaign_answer(member=fan, campaign_id=poll.pk, choice_id=(green if n % 3 else orange).pk)
    ben = member_at("Ben Okafor", VILLEURBANNE)

    # From the product page to the brand's page; being a fan is "Only me" unless Ben says so.
    log_in(page, ben.email)
    page.goto(f"/market/products/{catalog.slug}/")
    page.get_by_role("link", name="Trek").first.click()
    page.wait_for_url("**/market/brands/trek/")
    expect(page.get_by_role("heading", name="Trek", level=1)).to_be_visible()
    fan_form = page.locator("form#fan")
    expect(fan_form.get_by_label("Who can see that you are a fan")).to_have_value("only_me")
    fan_form.get_by_label("Ask me for feedback (polls, concepts to rate)").check()
    fan_form.get_by_role("button", name="Become a fan").click()
    expect(page.get_by_text("You are a fan of Trek.")).to_be_visible()
    expect(page.get_by_text("Only you can see it")).to_be_visible()
    assert Fan.objects.get(member=ben).audience == "only_me"
    # Feedback requests wait for anonymous insights, which Ben has not allowed.
    expect(page.get_by_text("they reach you once you also")).to_be_visible()
    expect(page.get_by_role("link", name=QUESTION)).to_have_count(0)
    shot(page, "brand-01-fan-only-me-1280")

    # A comment, for signed-in members.
    comments = page.locator(
        "form", has=page.get_by_role("heading", name="Say something about Trek")
    )
    comments.get_by_label("Comment", exact=True).fill("Four years on my Marlin, still great.")
    comments.get_by_role("button", name="Comment").click()
    expect(page.get_by_text("Four years on my Marlin, still great.")).to_be_visible()
    assert BrandComment.objects.get(author=ben).audience == "members"

    # Anonymous insights on, from the privacy page; the poll is then offered to him.
    page.get_by_role("link", name="allow anonymous insights").click()
    insights = page.locator("#purpose-insights")
    insights.get_by_role("button", name="Turn on for friends of friends").click()
    expect(page.locator("#purpose-insights").get_by_text("On", exact=True)).to_be_visible()
    page.goto("/market/brands/trek/")
    page.get_by_role("link", name=QUESTION).click()
    page.wait_for_url(f"**/market/campaigns/{poll.pk}/")
    expect(page.get_by_text("Answer to see the results")).to_be_visible()
    page.get_by_label("Forest green").check()
    page.get_by_role("button", name="Take part").click()
    expect(page.get_by_text("Thank you: your answer is saved.")).to_be_visible()
    assert CampaignEntry.objects.get(member=ben).choice.label == "Forest green"
    results = page.locator(".campaign-results")
    expect(results.get_by_text("people answered")).to_be_visible()
    expect(results.get_by_role("row", name="Forest green")).to_be_visible()
    shot(page, "brand-02-poll-results-1280")

    # On a phone, the brand page and the poll read well and do not scroll sideways.
    sign_in_browser(phone_page, ben)
    for path in ("/market/brands/trek/", f"/market/campaigns/{poll.pk}/"):
        phone_page.goto(path)
        no_sideways_scroll(phone_page, path)
    shot(phone_page, "brand-390-poll")

    # The manager sees the same chart, and nobody's fandom by name on the brand's page.
    page.context.clear_cookies()
    sign_in_browser(page, lea)
    page.goto(f"/market/campaigns/{poll.pk}/")
    expect(
        page.locator(".campaign-results").get_by_role("row", name="Forest green")
    ).to_be_visible()
    expect(page.locator(".campaign-results").locator("meter")).to_have_count(2 + 1)  # + 1 day
    expect(page.get_by_text("Ben Okafor")).to_have_count(0)
    page.goto("/market/brands/trek/")
    expect(page.get_by_text("You run this page")).to_be_visible()
    expect(page.get_by_text("a fan of Trek")).to_have_count(0)
    shot(page, "brand-03-manager-1280")
