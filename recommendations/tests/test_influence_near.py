"""What a seller sees of the trusted voices near their listing: a count released with noise, in
words, never a name, and only people who let the seller count them in both `influence` and
`insights`. The suite's noise is none (`tests/noise.py`), so the numbers here are the true ones."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.models import Brand, Category, Listing
from marketplace.services.listings import listing_create
from privacy.models import PrivacyBudget, UsageCount
from privacy.services.consent import consent_grant, consent_withdraw
from recommendations.models import InfluenceRun, InfluenceScore
from recommendations.trusted import brand_voices_near, brand_voices_near_people
from social.models import Circle
from social.services import blocks, circles
from tests.factories import PersonFactory, befriend, make_product, make_review, with_home

LYON = ("45.76000", "4.83500")
NEAR = ("45.80", "4.85")  # about 5 km from the listing
PARIS = ("48.86", "2.35")  # about 390 km away
FEWER = "Fewer than 5 trusted voices near this listing recommend Trek."
ABOUT_TEN = "About 10 trusted voices near this listing recommend Trek."


@pytest.fixture
def run(db) -> InfluenceRun:
    return InfluenceRun.objects.create(kind="full", status="succeeded")


def trek_listing(seller, *, brand: str | None = "trek") -> Listing:
    return listing_create(
        seller=seller,
        title="Trek hardtail",
        category=Category.objects.get(slug="mountain-bikes").pk,  # under "Bikes"
        brand=Brand.objects.get(slug=brand).pk if brand else None,
        condition="good",
        price="450",
        place="Lyon",
        latitude=LYON[0],
        longitude=LYON[1],
        audience="public",
        publish=True,
    )


@pytest.fixture
def listing(seller) -> Listing:
    return trek_listing(seller)


def make_voice(
    name: str,
    seller,
    run: InfluenceRun,
    *,
    home=NEAR,
    topic: str = "bikes",
    scope: str = "friends",
    **review,
):
    """A friend of the seller's, living near the listing, who allows `influence` and `insights`
    for friends, is a trusted voice in Bikes and recommends a Trek."""
    person = PersonFactory.create(name=name)
    befriend(seller, person)
    if home:
        with_home(person, home, place="Home")
    for purpose in ("influence", "insights"):
        consent_grant(user=person, purpose=purpose, scope=scope)
    InfluenceScore.objects.create(
        person=person,
        category=Category.objects.get(slug=topic),
        run=run,
        expertise=1.0,
        one_hop=0.5,
        two_hop=0.2,
        score=1.6,
    )
    if review.get("audience") == "circles":  # a circle of their own the seller is not in
        review["circle_ids"] = [circles.circle_create(owner=person, name="Just us").pk]
    make_review(person, make_product(), **({"would_recommend": True} | review))
    return person


def voices(seller, run, count: int, **kwargs) -> list:
    return [make_voice(f"Voice {n}", seller, run, **kwargs) for n in range(count)]


def insights_logged() -> int:
    return sum(UsageCount.objects.filter(purpose="insights").values_list("count", flat=True))


# --- Who is counted -------------------------------------------------------------------------


def counted(listing) -> set:
    return set(brand_voices_near_people(listing))


def test_the_count_is_released_in_words(seller, listing, run):
    voices(seller, run, 3)

    near = brand_voices_near(seller, listing)

    assert near.count == 3
    assert near.words == FEWER


def test_ten_voices_read_about_ten(seller, listing, run):
    voices(seller, run, 10)

    assert brand_voices_near(seller, listing).words == ABOUT_TEN


def test_nobody_near_who_could_be_counted_shows_nothing_and_spends_nothing(seller, listing, run):
    assert brand_voices_near(seller, listing) is None
    assert not PrivacyBudget.objects.exists()


def test_asking_again_the_same_day_repeats_the_answer_and_logs_nobody_again(
    seller, listing, run, next_day
):
    people = voices(seller, run, 3)
    first = brand_voices_near(seller, listing)
    make_voice("One more", seller, run)

    assert brand_voices_near(seller, listing) == first
    for person in people:
        (line,) = UsageCount.objects.filter(owner=person, purpose="insights")
        assert line.count == 1
        assert line.label == (
            "Counted in a seller's anonymous total of trusted voices recommending Trek"
        )
    assert not UsageCount.objects.filter(owner=seller).exists()
    next_day()
    assert brand_voices_near(seller, listing).count == 4


@pytest.mark.parametrize("purpose", ["insights", "influence"])
def test_a_withdrawal_drops_the_person_from_the_next_count(seller, listing, run, purpose, next_day):
    first, *_ = voices(seller, run, 3)
    assert brand_voices_near(seller, listing).count == 3

    consent_withdraw(user=first, purpose=purpose)

    assert first not in counted(listing)
    next_day()
    assert brand_voices_near(seller, listing).count == 2


@pytest.mark.parametrize("who_blocks", ["voice", "seller"])
def test_a_blocked_person_is_never_counted(seller, listing, run, who_blocks):
    first, *_ = voices(seller, run, 3)
    if who_blocks == "voice":
        blocks.block_create(blocker=first, blocked=seller)
    else:
        blocks.block_create(blocker=seller, blocked=first)

    assert first not in counted(listing)
    assert brand_voices_near(seller, listing).count == 2


def test_a_person_far_away_or_without_a_home_is_not_counted(seller, listing, run):
    voices(seller, run, 2)
    far = make_voice("Far away", seller, run, home=PARIS)
    homeless = make_voice("No home", seller, run, home=None)

    assert counted(listing) & {far, homeless} == set()
    assert brand_voices_near(seller, listing).count == 2


def test_a_seller_outside_the_persons_scope_does_not_count_them(seller, listing, run):
    voices(seller, run, 2)
    choosy = make_voice("Choosy", seller, run)
    family = Circle.objects.get(owner=choosy, name="Family")  # the seller is not in it
    consent_grant(user=choosy, purpose="insights", scope="circles", circle_ids=[family.pk])

    assert choosy not in counted(listing)
    assert brand_voices_near(seller, listing).count == 2


def test_friends_of_friends_count_when_their_scope_reaches_the_seller(seller, listing, run):
    voices(seller, run, 2)
    link = PersonFactory.create(name="Link")
    befriend(seller, link)
    distant = make_voice("Distant", link, run, scope="fof")  # a friend of the seller's friend

    assert distant in counted(listing)
    assert brand_voices_near(seller, listing).count == 3


@pytest.mark.parametrize(
    "unlike",
    [
        {"would_recommend": False},
        {"hidden": True},
        {"topic": "home"},  # a trusted voice, but in another topic
    ],
)
def test_only_trusted_voices_in_the_topic_who_recommend_the_brand_count(
    seller, listing, run, unlike
):
    voices(seller, run, 2)
    other = make_voice("Other", seller, run, **unlike)

    assert other not in counted(listing)
    assert brand_voices_near(seller, listing).count == 2


@pytest.mark.parametrize("audience", ["only_me", "circles"])
def test_a_recommendation_the_seller_may_not_see_does_not_count(seller, listing, run, audience):
    voices(seller, run, 2)
    private = make_voice("Private", seller, run, audience=audience)

    assert private not in counted(listing)
    assert brand_voices_near(seller, listing).count == 2


def test_an_inactive_person_is_not_counted(seller, listing, run):
    first, *_ = voices(seller, run, 3)
    first.is_active = False
    first.save(update_fields=["is_active"])

    assert first not in counted(listing)
    assert brand_voices_near(seller, listing).count == 2


def test_nobody_but_the_seller_gets_an_answer(seller, listing, run):
    people = voices(seller, run, 3)

    assert brand_voices_near(people[0], listing) is None
    assert brand_voices_near(None, listing) is None
    assert insights_logged() == 0


def test_a_listing_without_a_brand_shows_nothing(seller, run):
    voices(seller, run, 3)

    assert brand_voices_near(seller, trek_listing(seller, brand=None)) is None


def test_a_spent_budget_shows_nothing(seller, listing, run, settings):
    voices(seller, run, 3)
    settings.PRIVACY_EPSILON_PER_DAY = settings.PRIVACY_EPSILON_PER_RELEASE
    brand_voices_near(seller, trek_listing(seller))  # another listing: the day's one question

    assert brand_voices_near(seller, listing) is None


# --- The seller's listing page and the API --------------------------------------------------


def test_the_seller_sees_the_count_in_words_on_their_listing_page(seller, listing, run, client_for):
    voices(seller, run, 3)

    response = client_for(seller).get(reverse("marketplace:listing", args=[listing.pk]))

    assert response.status_code == 200
    assert FEWER in response.text
    assert "Voice 0" not in response.text


def test_the_page_shows_nothing_when_nobody_could_be_counted(seller, listing, run, client_for):
    response = client_for(seller).get(reverse("marketplace:listing", args=[listing.pk]))

    assert response.status_code == 200
    assert "trusted voices near this listing" not in response.text


def test_other_viewers_never_see_it_on_the_page(seller, listing, run, client_for):
    counted = voices(seller, run, 3)
    stranger = PersonFactory.create(name="Stan Stranger")

    for viewer in (counted[0], stranger):
        response = client_for(viewer).get(reverse("marketplace:listing", args=[listing.pk]))
        assert response.status_code == 200  # the listing is public
        assert "trusted voices near this listing" not in response.text
    assert insights_logged() == 0


def test_the_api_gives_the_seller_the_count_in_words(seller, listing, run, api_client_for):
    voices(seller, run, 4)

    response = api_client_for(seller).get(
        reverse("api-discover-listing-brand-voices", args=[listing.pk])
    )

    assert response.status_code == 200
    assert response.json() == {
        "listing": listing.pk,
        "brand": "trek",
        "radius_km": 50,
        "voices": "fewer than 5",
        "text": FEWER,
    }


def test_the_api_gives_nothing_without_anyone_to_count_or_a_brand(
    seller, listing, run, api_client_for
):
    unbranded = trek_listing(seller, brand=None)
    api = api_client_for(seller)

    below = api.get(reverse("api-discover-listing-brand-voices", args=[listing.pk])).json()
    none = api.get(reverse("api-discover-listing-brand-voices", args=[unbranded.pk])).json()

    assert (below["brand"], below["voices"], below["text"]) == ("trek", None, None)
    assert (none["brand"], none["voices"], none["text"]) == (None, None, None)


def test_the_api_answers_404_to_anyone_but_the_seller(seller, listing, run, api_client_for):
    counted = voices(seller, run, 3)
    url = reverse("api-discover-listing-brand-voices", args=[listing.pk])

    response = api_client_for(counted[0]).get(url)

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
    assert api_client_for(None).get(url).status_code in (401, 403)
    missing = reverse("api-discover-listing-brand-voices", args=[listing.pk + 1000])
    assert api_client_for(seller).get(missing).status_code == 404
    assert insights_logged() == 0
