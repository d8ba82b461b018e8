"""Social search: the friends' funnel, its consent gate and its noisy counts beyond friends,
trusted reviews, friends who bought this, and the usage log. The suite's noise is none
(`tests/noise.py`): a count beyond friends is its true count here, unless a test draws with
OpenDP; what the noise itself guarantees is tested in privacy/tests/test_releases.py."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import Brand, Category, Purchase
from privacy.models import PrivacyBudget, UsageCount
from privacy.purposes import Purpose
from privacy.releases import threshold_for
from privacy.services.consent import consent_withdraw
from recommendations.social_search import (
    friends_who_bought,
    match_query,
    record_usage,
    social_search,
)
from recommendations.tests.funnel import steps
from social.models import Friendship
from social.services import blocks, circles
from social.services.friends import friendship_remove
from tests.factories import (
    bike,
    consent,
    friends,
    make_purchase,
    marlin_for_sale,
    person,
    review,
    talk,
    vote_helpful,
    with_home,
)

pytestmark = pytest.mark.django_db


def test_a_query_maps_to_the_topic_its_category_tree_and_brands():
    match = match_query("bike")
    assert match.category.slug == "bikes"
    assert "bikes" in match.topic_slugs
    assert len(match.category_ids) > 1
    unknown = match_query("nothing like this")
    assert unknown.category is None and not unknown.topic_slugs
    assert unknown.tags == {"nothing-like-this"}  # still found as a #hashtag in posts
    assert match_query("  ").empty


def test_a_match_is_kept_until_the_catalog_changes():
    first = match_query("bike")
    with CaptureQueriesContext(connection) as again:
        assert match_query("bike").products == first.products
    assert len(again) == 0
    added = bike("Brand new", brand="Newmaker")
    assert added.pk in match_query("bike").products
    assert match_query("Newmaker").brand_ids == {added.brand_id}
    gravel = Category.objects.get(slug="mountain-bikes")
    gravel.name = "Trail bikes"
    gravel.save()
    assert "Trail bikes" in {kind.name for kind in match_query("bike").kinds.values()}
    added.delete()
    assert added.pk not in match_query("bike").products


def test_a_branch_about_another_topic_is_not_counted_as_the_thing_searched(world):
    vera, f = world["vera"], world["f"]
    helmet = bike("Helmet", brand="Giro", kind="bike-parts-accessories")
    newcomer = person("Helmet Buyer")
    friends(vera, newcomer)
    consent(newcomer)
    make_purchase(newcomer, helmet)

    bikes = social_search(vera, "bike")

    assert steps(bikes)["bought"] == (4, 3)  # a helmet is not a bike
    assert Category.objects.get(slug="bike-parts-accessories").pk not in bikes.match.category_ids
    bought = next(step for step in bikes.funnel.steps if step.key == "bought")
    assert newcomer.pk not in {p.pk for p in bought.who}
    assert f[1].pk in {p.pk for p in bought.who}


def test_a_reviewer_appears_at_most_twice_among_the_trusted_reviews(world):
    vera, f = world["vera"], world["f"]
    for name in ("Marlin 7", "Fuel EX", "Stache", "Roscoe"):
        review(f[2], bike(name))

    result = social_search(vera, "bike")

    authors = [item.review.author_id for item in result.reviews]
    assert authors.count(f[2].pk) == 2
    assert len(authors) == 2  # nobody else in the network reviewed a bike


def test_the_funnel_names_consenting_friends_and_counts_friends_of_friends(world):
    result = social_search(world["vera"], "bike")
    assert steps(result) == {
        "talked": (5, 2),  # noise-free here; in words, "fewer than 5"
        "bought": (4, 3),
        "kind": (3, 3),
        "brand": (2, 3),
    }
    assert result.funnel.sentence == (
        "Of your friends, 5 talked about bikes, 4 bought one, 3 bought mountain bikes, "
        "2 the same brand (Trek)"
    )
    bought = next(step for step in result.funnel.steps if step.key == "bought")
    assert {p.display_name for p in bought.who} == {"Friend 1", "Friend 2", "Friend 3", "Friend 4"}


def test_a_withdrawn_consent_disappears_from_the_very_next_search(world, next_day):
    assert steps(social_search(world["vera"], "bike"))["bought"] == (4, 3)
    consent_withdraw(user=world["f"][1], purpose=Purpose.SOCIAL_PROOF)
    consent_withdraw(user=world["g"][1], purpose=Purpose.SOCIAL_PROOF)
    after = social_search(world["vera"], "bike")
    # The friend is gone at once; the noisy count beyond friends is today's, repeated.
    assert steps(after)["bought"] == (3, 3)
    assert steps(after)["brand"] == (1, 3)
    assert world["f"][1] not in next(s for s in after.funnel.steps if s.key == "bought").who
    next_day()
    tomorrow = steps(social_search(world["vera"], "bike"))
    assert tomorrow["bought"] == (3, 2)
    assert tomorrow["brand"] == (1, 2)


def test_a_blocked_person_is_never_counted(world):
    vera, f2 = world["vera"], world["f"][2]
    blocks.block_create(blocker=vera, blocked=f2)
    result = social_search(vera, "bike")
    assert steps(result)["bought"] == (3, 3)  # f2 gone; b2 (blocked Vera) never counted
    assert steps(result)["talked"][0] == 4
    assert all(p.pk != f2.pk for step in result.funnel.steps for p in step.who)
    assert f2.pk not in result.usage and world["b2"].pk not in result.usage


def test_counts_beyond_friends_read_as_words(world):
    result = social_search(world["vera"], "bike")
    words = {step.key: step.fof_words for step in result.funnel.steps}
    assert words == {
        "talked": "fewer than 5",
        "bought": "fewer than 5",
        "kind": "fewer than 5",
        "brand": "fewer than 5",
    }


def test_nothing_is_said_of_friends_of_friends_when_none_could_be_counted(world):
    for n in (1, 2, 3, 4):
        consent_withdraw(user=world["g"][n], purpose=Purpose.SOCIAL_PROOF)
    result = social_search(world["vera"], "bike")
    assert steps(result)["bought"] == (4, None)  # nobody beyond friends consented
    assert steps(result)["talked"] == (5, 2)  # posts: shared by their audience, still counted


def test_a_spent_budget_keeps_the_friends_and_says_why_nothing_more(world, settings):
    settings.PRIVACY_EPSILON_PER_DAY = settings.PRIVACY_EPSILON_PER_RELEASE
    social_search(world["vera"], "camera")  # no camera anywhere: a question all the same
    result = social_search(world["vera"], "bike")
    assert steps(result)["bought"] == (4, None)
    assert "counts beyond your friends come back tomorrow" in result.funnel.beyond_note


def test_the_same_search_the_same_day_gets_the_same_counts(world, opendp_noise):
    first = steps(social_search(world["vera"], "bike"))
    assert steps(social_search(world["vera"], " Bike ")) == first  # the same question
    cache.clear()  # as after a restart of every process: the answer is kept in the database
    assert steps(social_search(world["vera"], "bike")) == first
    assert PrivacyBudget.objects.get(viewer=world["vera"]).spent == 1.0


def test_a_kind_and_a_brand_from_one_friend_of_a_friend_are_never_shown(db):
    vera, link, far = person("Vera"), person("Link"), person("Far")
    friends(vera, link)
    friends(link, far)
    consent(far)
    make_purchase(far, bike("Stumpjumper", brand="Specialized"))  # Vera's only friend of a friend
    result = social_search(vera, "bike")
    assert [step.key for step in result.funnel.steps] == ["talked", "bought"]
    assert "Specialized" not in str(result.funnel.steps) and "Mountain" not in str(
        result.funnel.steps
    )


def test_a_kind_shown_from_friends_of_friends_alone_passed_the_threshold(db, settings):
    settings.PRIVACY_DELTA = 0.3  # a low threshold, to show the rule with a few people
    vera, link = person("Vera"), person("Link")
    friends(vera, link)
    threshold = threshold_for(4.0, 1, 0.3)  # the kind's share of ε is a quarter
    buyers = [person(f"Far {n}") for n in range(threshold)]
    for far in buyers:
        friends(link, far)
        consent(far)
        make_purchase(far, bike("Stumpjumper", brand="Specialized"))
    result = social_search(vera, "bike")
    assert [step.key for step in result.funnel.steps] == ["talked", "bought", "kind", "brand"]
    assert steps(result)["kind"] == (0, threshold)
    consent_withdraw(user=buyers[0], purpose=Purpose.SOCIAL_PROOF)
    other = person("Other viewer")
    friends(other, link)
    assert [step.key for step in social_search(other, "bike").funnel.steps] == [
        "talked",
        "bought",
    ]  # one fewer than the threshold: no kind, no brand


def test_no_circle_edit_or_unfriending_singles_out_a_non_consenting_purchase(world):
    vera, f5, g5 = world["vera"], world["f"][5], world["g"][5]
    before = steps(social_search(vera, "bike"))
    close = circles.circle_create(owner=vera, name="Riders")
    circles.circle_memberships_set(owner=vera, friend=f5, circle_ids=[close.pk])
    assert steps(social_search(vera, "bike")) == before
    friendship_remove(user=vera, friend=f5)
    after = steps(social_search(vera, "bike"))
    # Only the talk (a post Vera could read) changes; f5's purchase was never in a count.
    assert {k: v for k, v in after.items() if k != "talked"} == {
        k: v for k, v in before.items() if k != "talked"
    }
    friends(vera, g5)  # a non-consenting friend of a friend becomes a friend
    assert {k: v for k, v in steps(social_search(vera, "bike")).items() if k != "talked"} == {
        k: v for k, v in before.items() if k != "talked"
    }


def test_a_grant_for_friends_only_is_not_counted_among_friends_of_friends(world):
    consent_withdraw(user=world["g"][1], purpose=Purpose.SOCIAL_PROOF)
    # g4 granted friends only: with g1 out, two friends of friends are counted, not three.
    assert steps(social_search(world["vera"], "bike"))["bought"] == (4, 2)


def _extend(world, extra: int) -> None:
    """More friends and friends of friends, each consenting and buying."""
    vera, marlin = world["vera"], world["marlin"]
    for n in range(extra):
        friend = person(f"Extra friend {n}")
        fof = person(f"Extra fof {n}")
        friends(vera, friend)
        friends(friend, fof)
        for someone in (friend, fof):
            make_purchase(someone, marlin, verified=True)
            review(someone, marlin)
            consent(someone)
            talk(someone)


def test_the_search_takes_the_same_number_of_queries_whatever_the_network(world, next_day):
    review(world["f"][1], world["marlin"])
    with CaptureQueriesContext(connection) as small:
        social_search(world["vera"], "bike")
    _extend(world, 8)
    cache.clear()  # a first search again: the match and the network are read too
    next_day()  # and the counts beyond friends drawn again
    with CaptureQueriesContext(connection) as bigger:
        result = social_search(world["vera"], "bike")
    assert steps(result)["bought"] == (12, 11)
    assert len(bigger) == len(small)


def test_reviews_rank_a_friend_who_knows_bikes_before_a_friend_of_a_friend(world):
    vera, f, g, marlin = world["vera"], world["f"], world["g"], world["marlin"]
    review(g[1], marlin)
    review(f[2], bike("Fuel EX"))
    review(f[5], marlin)  # no consent: never shown
    review(world["b2"], marlin)  # blocked: never shown
    hidden = review(f[3], bike("Rockhopper", brand="Specialized"), audience="only_me")
    make_purchase(f[2], marlin, verified=True)
    result = social_search(vera, "bike")
    authors = [item.review.author for item in result.reviews]
    assert authors == [f[2], g[1]]
    assert result.reviews[0].relation == "friend" and result.reviews[1].relation == "fof"
    assert "1 verified purchase" in result.reviews[0].reasons
    assert hidden.pk not in {item.review.pk for item in result.reviews}


def test_listings_nearby_say_how_many_friends_reviewed_the_model(world):
    vera, f, marlin = world["vera"], world["f"], world["marlin"]
    seller = person("Seller")
    listing = marlin_for_sale(
        seller, title="Trek Marlin 7 for sale", product_model=marlin, category=marlin.category
    )
    review(f[1], marlin)
    review(f[2], marlin)
    review(f[5], marlin)  # no consent: not counted
    result = social_search(vera, "bike")
    found = {row.pk: row for row in result.listings.results}
    assert found[listing.pk].friends_reviewed == 2


def test_friends_who_bought_names_friends_and_counts_friends_of_friends(world, exact_noise):
    vera, f, marlin = world["vera"], world["f"], world["marlin"]
    answer = friends_who_bought(vera, marlin)
    assert [p.display_name for p in answer.friends] == ["Friend 1"]  # f5 did not consent
    assert (answer.fof, answer.fof_words) == (3, "fewer than 5")
    assert exact_noise.draws == [("laplace", 1.0)]
    review(f[3], marlin)
    assert {p.display_name for p in friends_who_bought(vera, marlin).friends} == {
        "Friend 1",
        "Friend 3",
    }


def test_friends_who_bought_says_nothing_of_friends_of_friends_when_none_consented(world):
    for n in (1, 2, 3, 4):
        consent_withdraw(user=world["g"][n], purpose=Purpose.SOCIAL_PROOF)
    answer = friends_who_bought(world["vera"], world["marlin"])
    assert answer.fof is None and answer.fof_words == ""


def test_each_person_counted_gets_one_usage_entry_per_search(world):
    vera, f, marlin = world["vera"], world["f"], world["marlin"]
    review(f[1], marlin)
    result = social_search(vera, "bike")
    record_usage(result.usage)
    entry = UsageCount.objects.get(owner=f[1], purpose=Purpose.SOCIAL_PROOF)
    assert entry.label == "Your review of Trek Marlin 7 was shown in friends' searches"
    assert entry.count == 1  # the purchase counted and the review shown: one search, one use
    assert UsageCount.objects.filter(owner=world["g"][1]).exists()
    assert not UsageCount.objects.filter(owner__in=[f[5], world["g"][5], world["b2"]]).exists()


def test_tie_strength_orders_the_names_under_a_step(world):
    vera, f = world["vera"], world["f"]
    Friendship.objects.filter(user=vera, friend=f[4]).update(tie_strength=5)
    bought = next(s for s in social_search(vera, "bike").funnel.steps if s.key == "bought")
    assert bought.who[0] == f[4]


def test_listings_for_sale_near_you_are_near_the_viewers_home(world):
    from decimal import Decimal

    vera, marlin = world["vera"], world["marlin"]
    with_home(vera, ("45.76", "4.84"))
    seller = person("Seller")
    near = marlin_for_sale(seller, title="Trek Marlin 7 in Lyon", product_model=marlin)
    far = marlin_for_sale(
        seller,
        title="Trek Marlin 7 in Portland",
        product_model=marlin,
        latitude=Decimal("45.52"),
        longitude=Decimal("-122.68"),
    )
    found = {row.pk for row in social_search(vera, "bike").listings.results}
    assert near.pk in found and far.pk not in found


def test_an_opened_step_shows_each_friends_reviews_of_what_it_counts(world):
    vera, f, marlin, domane = world["vera"], world["f"], world["marlin"], world["domane"]
    on_marlin = review(f[1], marlin, title="Climbs like a goat")
    on_domane = review(f[4], domane, title="Fast on the flat")
    review(f[5], marlin, title="Not consented")  # f5 did not consent: never named or shown
    result = social_search(vera, "bike")
    by_key = {step.key: step for step in result.funnel.steps}

    def reviews_under(key):
        return {entry.person.pk: entry.reviews for entry in by_key[key].named}

    assert reviews_under("bought")[f[1].pk] == [on_marlin]
    assert reviews_under("bought")[f[4].pk] == [on_domane]
    assert reviews_under("bought")[f[2].pk] == []
    # "bought mountain bikes" and "the same brand" leave the road bike's review out.
    assert f[4].pk not in reviews_under("kind")
    assert reviews_under("brand")[f[1].pk] == [on_marlin]
    shown = {r.title for step in by_key.values() for e in step.named for r in e.reviews}
    assert "Not consented" not in shown


def test_a_review_on_several_steps_and_in_the_list_is_counted_once(world):
    vera, f, marlin = world["vera"], world["f"], world["marlin"]
    review(f[1], marlin)
    result = social_search(vera, "bike")
    steps_showing = [s for s in result.funnel.steps if any(e.reviews for e in s.named)]
    assert len(steps_showing) == 4 and len(result.reviews) == 1
    record_usage(result.usage)
    record_usage(social_search(vera, "bike").usage)
    entry = UsageCount.objects.get(owner=f[1], purpose=Purpose.SOCIAL_PROOF)
    assert entry.count == 2  # two searches: two uses, however much each showed of f1


def test_a_friend_of_a_friend_through_strong_ties_ranks_below_an_equally_expert_friend(world):
    vera, f, g, marlin = world["vera"], world["f"], world["g"], world["marlin"]
    # Vera -> f1 -> g1 are strong ties (5 and 5); Vera -> f3 is a middling one (3).
    Friendship.objects.filter(user=vera, friend=f[1]).update(tie_strength=5)
    Friendship.objects.filter(user=g[1], friend=f[1]).update(tie_strength=5)
    Friendship.objects.filter(user=vera, friend=f[3]).update(tie_strength=3)
    review(g[1], marlin, title="From afar")
    review(f[3], marlin, title="From a friend")
    ranked = social_search(vera, "bike").reviews
    assert [item.review.title for item in ranked] == ["From a friend", "From afar"]
    assert ranked[1].strength == pytest.approx(2.5)  # half its weaker tie


def test_trusted_reviews_carry_their_helpful_votes_and_are_read_once_with_the_steps(world):
    vera, f, g, marlin = world["vera"], world["f"], world["g"], world["marlin"]
    mine = review(f[1], marlin)
    theirs = review(g[1], marlin)
    for voter in (g[2], g[3]):
        vote_helpful(mine, voter)
    vote_helpful(theirs, f[2], out_of_sight=True)

    with CaptureQueriesContext(connection) as captured:
        result = social_search(vera, "bike", with_listings=False)

    counts = {item.review.pk: item.review.helpful_count for item in result.reviews}
    assert counts == {mine.pk: 2, theirs.pk: 1}
    assert "2 helpful votes" in result.reviews[0].reasons
    read_whole = [q for q in captured if q["sql"].startswith('SELECT "marketplace_review"."id",')]
    assert len(read_whole) == 1  # the steps' reviews and the trusted ones, together
    under_steps = {r.pk for s in result.funnel.steps for e in s.named for r in e.reviews}
    assert under_steps == {mine.pk}


def test_a_brand_bought_without_a_catalog_model_still_names_its_step(world):
    vera, f = world["vera"], world["f"]
    cube = Brand.objects.create(name="Velo Nouveau", slug="velo-nouveau")
    mountain = Category.objects.get(slug="mountain-bikes")
    for friend in (f[1], f[2], f[3]):
        Purchase.objects.create(
            buyer=friend, category=mountain, brand=cube, purchased_on=date(2026, 5, 1)
        )
    funnel = social_search(vera, "bike", with_listings=False).funnel
    assert funnel.steps[-1].label == "the same brand (Velo Nouveau)"
    assert funnel.steps[-1].friends == 3
