"""Trusted voices: who appears, through whom, and what a person sees of their own influence."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.models import Brand, Category, Review
from marketplace.services.brands import fan_set
from privacy.models import UsageCount
from privacy.services.consent import consent_grant, consent_withdraw
from recommendations.influence import influence_run
from recommendations.trusted import brand_voice_count, trusted_voices
from social.models import Circle
from social.services import blocks, circles
from tests.factories import PersonFactory, befriend, make_product, make_review


def grant(*people, scope: str = "fof") -> None:
    for person in people:
        consent_grant(user=person, purpose="influence", scope=scope)


@pytest.fixture
def network(db):
    """Vera (viewer) — Anna (friend, in Vera's Close friends) — Dave (Anna's friend, a bike
    expert); Vera — Ben (friend) — Dave too; Eve is Anna's friend who never granted."""
    vera, anna, ben, dave, eve = (
        PersonFactory.create(name=n) for n in ("Vera", "Anna", "Ben", "Dave", "Eve")
    )
    for a, b in [(vera, anna), (vera, ben), (anna, dave), (ben, dave), (anna, eve)]:
        befriend(a, b)
    close = Circle.objects.get(owner=vera, name="Close friends")  # made with every account
    circles.circle_memberships_set(owner=vera, friend=anna, circle_ids=[close.pk])
    grant(vera, anna, dave)
    for person in (anna, dave, eve):
        make_review(person, make_product())
    make_review(dave, make_product("Fuel EX"))
    return {"vera": vera, "anna": anna, "ben": ben, "dave": dave, "eve": eve}


def bikes() -> Category:
    return Category.objects.get(slug="bikes")


def names(voices) -> list[tuple[str, str]]:
    return [(v.person.profile.display_name, v.path) for v in voices]


def test_voices_come_with_the_path_that_connects_them(network):
    influence_run()

    assert names(trusted_voices(network["vera"], bikes())) == [
        ("Dave", "Via Anna, who is in your Close friends"),
        ("Anna", "Your friend, who is in your Close friends"),
    ]


def test_a_friend_who_did_not_grant_is_never_the_path(network):
    consent_withdraw(user=network["anna"], purpose="influence")
    grant(network["ben"])  # Ben may be the path now; Anna may not
    influence_run()

    assert names(trusted_voices(network["vera"], bikes())) == [("Dave", "Via Ben")]


def test_without_any_consenting_path_a_friend_of_a_friend_does_not_appear(network):
    influence_run()
    consent_withdraw(user=network["anna"], purpose="influence")

    assert names(trusted_voices(network["vera"], bikes())) == []


def test_a_withdrawal_removes_the_voice_at_once_before_any_run(network):
    influence_run()
    consent_withdraw(user=network["dave"], purpose="influence")

    assert [v.person for v in trusted_voices(network["vera"], bikes())] == [network["anna"]]


def test_blocked_people_are_excluded(network):
    influence_run()
    blocks.block_create(blocker=network["dave"], blocked=network["vera"])

    assert [v.person for v in trusted_voices(network["vera"], bikes())] == [network["anna"]]


def test_a_voice_limited_to_friends_is_not_shown_to_friends_of_friends(network):
    grant(network["dave"], scope="friends")
    influence_run()

    assert [v.person for v in trusted_voices(network["vera"], bikes())] == [network["anna"]]


def test_showing_voices_is_counted_in_their_usage_log(network):
    influence_run()
    trusted_voices(network["vera"], bikes())

    labels = set(UsageCount.objects.filter(owner=network["anna"]).values_list("label", flat=True))
    assert labels == {"Shown as a trusted voice in Bikes", "Named as the link to a trusted voice"}


def test_a_brand_count_is_released_with_noise_in_words(network, exact_noise):
    trek = Brand.objects.get(slug="trek")
    influence_run()

    count = brand_voice_count(network["vera"], trek)

    assert (count.count, count.words) == (2, "fewer than 5")  # Anna and Dave, noise-free here
    assert exact_noise.draws == [("laplace", 1.0)]  # one person moves it by one; ε 1


def test_a_recommendation_the_viewer_may_not_see_is_not_counted_for_the_brand(network):
    trek = Brand.objects.get(slug="trek")
    influence_run()
    Review.objects.filter(author=network["dave"]).update(audience="only_me")  # Dave stays a voice

    assert brand_voice_count(network["vera"], trek).count == 1  # Anna alone


def test_a_brand_count_says_nothing_when_nobody_could_be_a_voice(network):
    trek = Brand.objects.get(slug="trek")

    assert brand_voice_count(network["eve"], trek).count is None  # Eve's network: no scores


def test_the_voices_page_shows_names_and_paths(network, client_for):
    influence_run()
    response = client_for(network["vera"]).get(reverse("recommendations:voices", args=["bikes"]))

    assert response.status_code == 200
    assert "Via Anna, who is in your Close friends" in response.text
    assert "Eve" not in response.text


def test_the_voices_api_lists_voices(network, api_client_for):
    influence_run()
    response = api_client_for(network["vera"]).get(reverse("api-discover-voices", args=["bikes"]))

    assert [
        (v["person"]["display_name"], v["via"] and v["via"]["display_name"])
        for v in response.json()
    ] == [("Dave", "Anna"), ("Anna", None)]


def test_my_influence_page_shows_what_the_score_is_made_of(network, client_for):
    influence_run()
    response = client_for(network["dave"]).get(reverse("recommendations:my_influence"))

    assert response.status_code == 200
    assert 'id="influence-scores"' in response.text
    assert reverse("privacy:withdraw", args=["influence"]) in response.text


def test_my_influence_page_says_when_it_is_off(network, client_for):
    response = client_for(network["ben"]).get(reverse("recommendations:my_influence"))

    assert 'id="influence-off"' in response.text
    assert 'id="influence-scores"' not in response.text


def test_my_influence_api_gives_the_parts(network, api_client_for):
    influence_run()
    body = api_client_for(network["dave"]).get(reverse("api-discover-influence")).json()

    assert body["enabled"] is True
    [score] = body["scores"]
    assert score["topic"] == "bikes"
    assert score["expertise"] == 2.0
    assert score["score"] == pytest.approx(
        score["expertise"] + score["one_hop"] + 0.5 * score["two_hop"]
    )


def test_a_voice_is_said_to_be_a_fan_only_where_their_fan_row_reaches_the_viewer(network):
    vera, anna, dave = network["vera"], network["anna"], network["dave"]
    trek = make_product().brand
    fan_set(member=anna, brand_id=trek.pk, audience="friends")  # Vera is Anna's friend
    fan_set(member=dave, brand_id=trek.pk)  # only Dave
    influence_run()
    fans = {v.person.pk: v.fan_of for v in trusted_voices(vera, bikes())}
    assert fans == {dave.pk: [], anna.pk: ["Trek"]}
