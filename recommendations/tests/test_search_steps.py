"""Social search, made visual: what a query matches (an unknown word, the most specific meaning
of several words) and who each opened step of the funnel shows, with what they said."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from privacy.purposes import Purpose
from privacy.services.consent import consent_withdraw
from recommendations.social_search import match_query, social_search
from social.services import blocks, circles
from social.services.posts import post_create
from tests.factories import consent, friends, make_purchase, person, review, talk

pytestmark = pytest.mark.django_db


def _step(result, key):
    return next(step for step in result.funnel.steps if step.key == key)


def _named(result, key):
    return {entry.person.pk: entry for entry in _step(result, key).named}


def test_a_word_the_catalog_does_not_know_is_unknown_with_suggestions():
    match = match_query("xyzzy")
    assert match.unknown and match.empty
    assert match.suggestions  # a few known topics to try instead
    assert not match_query("bike").unknown
    assert not match_query("").unknown  # nothing asked: nothing unknown


def test_a_near_miss_suggests_the_topic_it_resembles():
    assert "Bikes" in match_query("bikke").suggestions


def test_an_unknown_word_draws_no_funnel(world):
    result = social_search(world["vera"], "xyzzy")
    assert result.funnel is None and result.match.unknown


def test_several_words_match_the_category_named_by_all_of_them():
    match = match_query("mountain bike")
    assert match.category.slug == "mountain-bikes"
    assert match.label == "mountain bikes"
    road = match_query("road bikes")
    assert road.category.slug == "road-bikes"
    assert match.category_ids.isdisjoint(road.category_ids)
    assert match_query("bike").category.slug == "bikes"  # one word: the broad meaning


def test_several_words_can_name_a_product_model_by_its_brand_and_name(world):
    match = match_query("trek marlin")
    assert world["marlin"].pk in match.product_ids


def test_mountain_bikes_count_only_mountain_bikes_and_name_their_brand(world):
    vera, f = world["vera"], world["f"]
    result = social_search(vera, "mountain bike")
    by_key = {step.key: step for step in result.funnel.steps}
    assert by_key["talked"].label == "talked about bikes"  # posts are tagged by topic
    assert by_key["bought"].friends == 3  # f4's road bike is not a mountain bike
    assert f[4].pk not in _named(result, "bought")
    assert "kind" not in by_key  # "bought mountain bikes" would repeat "bought one"
    assert by_key["brand"].label == "the same brand (Trek)"


def test_each_step_says_what_its_friends_said_or_bought(world):
    vera, f = world["vera"], world["f"]
    review(f[1], world["marlin"], title="Climbs like a goat")
    result = social_search(vera, "bike")
    talked = _named(result, "talked")
    assert talked[f[1].pk].post == "Out on my new bike today"
    bought = _named(result, "bought")
    assert [r.title for r in bought[f[1].pk].reviews] == ["Climbs like a goat"]
    assert bought[f[2].pk].bought == "Trek Fuel EX"
    assert _named(result, "kind")[f[3].pk].bought == "Specialized Rockhopper"


def test_bars_are_as_wide_as_the_friends_counted(world):
    result = social_search(world["vera"], "bike")
    widths = {step.key: (step.friends, step.width) for step in result.funnel.steps}
    widest = max(friends for friends, _ in widths.values())
    for friends_count, width in widths.values():
        assert width == round(100 * friends_count / widest)


def test_a_step_shows_only_the_posts_the_viewer_may_see(world):
    vera, f = world["vera"], world["f"]
    riders = circles.circle_create(owner=f[1], name="Riders")
    post_create(author=f[1], text="Secret bike plans", audience="circles", circle_ids=[riders.pk])
    quiet = person("Quiet Friend")
    friends(vera, quiet)
    theirs = circles.circle_create(owner=quiet, name="Riders")
    post_create(author=quiet, text="My bike", audience="circles", circle_ids=[theirs.pk])
    result = social_search(vera, "bike")
    talked = _named(result, "talked")
    assert talked[f[1].pk].post == "Out on my new bike today"  # not the circle's post
    assert quiet.pk not in talked  # their only post is for a circle Vera is not in


def test_a_withdrawn_consent_or_a_block_leaves_the_steps_at_once(world):
    vera, f, b2 = world["vera"], world["f"], world["b2"]
    consent_withdraw(user=f[2], purpose=Purpose.SOCIAL_PROOF)
    blocks.block_create(blocker=f[3], blocked=vera)
    result = social_search(vera, "bike")
    everyone = {pk for step in result.funnel.steps for pk in _named(result, step.key)}
    assert f[2].pk not in _named(result, "bought")
    assert f[3].pk not in everyone and b2.pk not in everyone


def test_the_opened_steps_take_the_same_queries_whatever_the_friends_named(world):
    vera = world["vera"]
    social_search(vera, "bike")  # the match is kept; what follows reads the network again
    with CaptureQueriesContext(connection) as few:
        social_search(vera, "bike")
    for n in range(6):
        newcomer = person(f"New rider {n}")
        friends(vera, newcomer)
        talk(newcomer, f"Bike ride number {n}")
        consent(newcomer)
        make_purchase(newcomer, world["marlin"])
    social_search(vera, "bike")
    with CaptureQueriesContext(connection) as many:
        result = social_search(vera, "bike")
    named = _named(result, "talked")
    assert len(named) == 11 and all(entry.post for entry in named.values())
    assert all(entry.bought for entry in _named(result, "bought").values() if not entry.reviews)
    assert len(many) == len(few)
