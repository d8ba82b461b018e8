"""The social search page, its API, and "friends who bought this" on product and listing
pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from privacy.models import UsageCount
from privacy.purposes import Purpose
from tests.factories import bike, consent, friends, make_purchase, marlin_for_sale, person, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(db):
    """Vera with three consenting friends who bought Treks, one who did not consent, and three
    consenting friends of friends who bought one too."""
    vera = person("Vera Viewer")
    marlin = bike("Marlin 7")
    buddies = [person(f"Rider {n}") for n in range(1, 5)]
    friends(vera, *buddies)
    for n, buddy in enumerate(buddies):
        make_purchase(buddy, marlin)
        if n < 3:
            consent(buddy)
    for n in range(3):
        far = person(f"Far rider {n}")
        friends(buddies[0], far)
        make_purchase(far, marlin)
        consent(far)
    review(buddies[0], marlin, title="Climbs like a goat")
    return {"vera": vera, "buddies": buddies, "marlin": marlin}


def test_the_page_shows_the_funnel_the_names_and_the_reviews(client_for, story):
    response = client_for(story["vera"]).get(reverse("recommendations:search"), {"q": "bike"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Of your friends, 0 talked about bikes, 3 bought one" in body
    assert "Rider 1" in body and "Rider 3" in body
    assert "Rider 4" not in body  # did not consent
    assert "Far rider" not in body  # friends of friends are counted, never named
    assert "Climbs like a goat" in body
    assert "<svg" in body
    # Each step opens on its friends and their reviews; the way on to the trusted voices.
    step_reviews = body.split('class="discover-step-reviews"', 1)[1].split("</ul>", 1)[0]
    assert "Climbs like a goat" in step_reviews
    assert reverse("recommendations:voices", args=["bikes"]) in body


def test_the_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("recommendations:search"), {"q": "bike"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_api_returns_the_funnel_with_words_beyond_friends(api_client_for, story):
    response = api_client_for(story["vera"]).get(reverse("api-discover-search"), {"q": "bike"})
    assert response.status_code == 200
    data = response.json()
    bought = next(step for step in data["funnel"]["steps"] if step["key"] == "bought")
    assert bought["friends"] == 3 and bought["friends_of_friends"] == "fewer than 5"
    assert data["funnel"]["beyond_note"] == ""
    assert {p["display_name"] for p in bought["who"]} == {"Rider 1", "Rider 2", "Rider 3"}
    assert [r["title"] for r in data["reviews"]] == ["Climbs like a goat"]
    assert data["listings"] == []


def test_a_search_writes_the_usage_log_of_the_people_counted(client_for, story):
    client_for(story["vera"]).get(reverse("recommendations:search"), {"q": "bike"})
    assert UsageCount.objects.filter(
        owner=story["buddies"][1], purpose=Purpose.SOCIAL_PROOF
    ).exists()
    assert not UsageCount.objects.filter(owner=story["buddies"][3]).exists()


def test_product_and_listing_pages_name_friends_who_bought_it(client_for, story):
    vera, marlin = story["vera"], story["marlin"]
    page = client_for(vera).get(reverse("marketplace:product", args=[marlin.slug]))
    body = page.content.decode()
    assert "Friends who bought or reviewed it" in body
    assert "Rider 2" in body and "Rider 4" not in body
    assert "And fewer than 5 friends of friends" in body
    listing = marlin_for_sale(person("Seller"), product_model=marlin, category=marlin.category)
    body = client_for(vera).get(reverse("marketplace:listing", args=[listing.pk])).content.decode()
    assert "Rider 2" in body and "Rider 4" not in body


def test_product_page_shows_nothing_to_a_stranger(client_for, story):
    stranger = person("Sam Stranger")
    body = (
        client_for(stranger)
        .get(reverse("marketplace:product", args=[story["marlin"].slug]))
        .content.decode()
    )
    assert "Friends who bought or reviewed it" not in body


def test_the_api_says_when_a_word_is_unknown(api_client_for, story):
    client = api_client_for(story["vera"])
    unknown = client.get(reverse("api-discover-search"), {"q": "xyzzy"}).json()
    assert unknown["unknown"] is True and unknown["funnel"] is None and unknown["suggestions"]
    known = client.get(reverse("api-discover-search"), {"q": "mountain bike"}).json()
    assert known["unknown"] is False and known["funnel"]["label"] == "mountain bikes"


def test_the_page_says_a_word_is_unknown_with_topics_to_try(client_for, story):
    body = client_for(story["vera"]).get(reverse("recommendations:search"), {"q": "xyzzy"})
    text = body.content.decode()
    assert body.status_code == 200
    assert "We don’t know “xyzzy” yet" in text and "discover-suggestions" in text
    assert "0 talked" not in text and "discover-funnel" not in text


def test_the_page_draws_each_step_as_a_bar_with_its_number_and_people(client_for, story):
    text = client_for(story["vera"]).get(reverse("recommendations:search"), {"q": "bike"})
    body = text.content.decode()
    assert '<ol class="discover-funnel"' in body
    assert 'class="bar-fill" width="100"' in body  # the widest step
    assert '<strong class="funnel-number">3</strong> friends bought one' in body
    assert "avatar" in body.split('class="discover-who"', 1)[1]
