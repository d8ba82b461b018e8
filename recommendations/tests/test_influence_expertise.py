"""Expertise counts only what a person shares with everyone who may see it: reviews by their
audience, purchases by the `social_proof` scope, each against the whole `influence` scope; the
full and the incremental runs alike; the person's own page shows all of it, labelled."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from marketplace.models import Category, Review
from marketplace.services.purchases import purchase_declare
from marketplace.services.reviews import review_write
from privacy.services.consent import consent_grant, consent_withdraw
from recommendations.expertise import counted_purchases, counted_reviews, counted_votes
from recommendations.influence import influence_run, own_topics
from recommendations.models import InfluenceChange, InfluenceRun, InfluenceScore
from recommendations.social_search import social_search
from recommendations.trusted import trusted_voices
from social.services import circles
from tests.factories import (
    PersonFactory,
    befriend,
    make_product,
    make_purchase,
    make_review,
    vote_helpful,
)

# How a person shares something: an audience (or a scope), and for "circles" which of their
# circles A and B.
SCOPES = ["fof", "friends", "circles:A", "circles:A+B"]

# For each way a review is shared, the `influence` scopes it covers whole.
REVIEW_COVERS = {
    "public": set(SCOPES),
    "members": set(SCOPES),
    "fof": set(SCOPES),
    "friends": {"friends", "circles:A", "circles:A+B"},
    "circles:A+B": {"circles:A", "circles:A+B"},
    "circles:A": {"circles:A"},
    "circles:B": set(),
    "only_me": set(),
}

# For each `social_proof` scope (None: not granted), the `influence` scopes it covers whole.
PURCHASES_COVER = {
    None: set(),
    "fof": set(SCOPES),
    "friends": {"friends", "circles:A", "circles:A+B"},
    "circles:A+B": {"circles:A", "circles:A+B"},
    "circles:A": {"circles:A"},
    "circles:B": set(),
}


@pytest.fixture
def pia(db):
    """Pia, with two circles of her own, A and B."""
    person = PersonFactory.create(name="Pia")
    person.circle_ids = {
        name: circles.circle_create(owner=person, name=f"Circle {name}").pk for name in "AB"
    }
    return person


def split(person, shared: str) -> tuple[str, list[int]]:
    """("circles", [ids of A, B]) for "circles:A+B"; (audience, []) otherwise."""
    audience, _, names = shared.partition(":")
    return audience, [person.circle_ids[name] for name in names.split("+") if name]


def grant(person, purpose: str, shared: str) -> None:
    scope, circle_ids = split(person, shared)
    consent_grant(user=person, purpose=purpose, scope=scope, circle_ids=circle_ids)


def review(person, shared: str, product_name: str = "Marlin 7") -> Review:
    audience, circle_ids = split(person, shared)
    return make_review(person, make_product(product_name), audience=audience, circle_ids=circle_ids)


def bikes() -> Category:
    return Category.objects.get(slug="bikes")


@pytest.mark.parametrize("influence_scope", SCOPES)
@pytest.mark.parametrize("shared", list(REVIEW_COVERS))
def test_a_review_counts_only_when_its_audience_covers_the_whole_influence_scope(
    pia, shared, influence_scope
):
    grant(pia, "influence", influence_scope)
    written = review(pia, shared)

    counted = set(counted_reviews([pia.pk]))

    assert counted == ({written} if influence_scope in REVIEW_COVERS[shared] else set())


@pytest.mark.parametrize("influence_scope", SCOPES)
@pytest.mark.parametrize("social_proof", list(PURCHASES_COVER))
def test_purchases_count_only_when_social_proof_covers_the_whole_influence_scope(
    pia, social_proof, influence_scope
):
    grant(pia, "influence", influence_scope)
    if social_proof is not None:
        grant(pia, "social_proof", social_proof)
    bought = {
        make_purchase(pia, make_product(), verified=True),
        make_purchase(pia, make_product("Fuel EX"), verified=True),
    }

    counted = set(counted_purchases([pia.pk]))

    assert counted == (bought if influence_scope in PURCHASES_COVER[social_proof] else set())


def test_nothing_counts_without_an_influence_grant(pia):
    grant(pia, "social_proof", "fof")
    review(pia, "public")
    make_purchase(pia, make_product(), verified=True)

    assert not counted_reviews([pia.pk]).exists()
    assert not counted_purchases([pia.pk]).exists()


def test_a_hidden_review_and_its_votes_never_count(pia):
    grant(pia, "influence", "fof")
    written = review(pia, "public")
    vote_helpful(written, PersonFactory.create(name="Voter"))
    Review.objects.filter(pk=written.pk).update(hidden=True)

    assert not counted_reviews([pia.pk]).exists()
    assert not counted_votes([pia.pk]).exists()


def test_helpful_votes_count_only_on_counted_reviews(pia):
    grant(pia, "influence", "fof")
    shared = review(pia, "public")
    private = review(pia, "only_me", "Fuel EX")
    voter = PersonFactory.create(name="Voter")
    votes = [
        vote_helpful(shared, voter),
        vote_helpful(private, voter, out_of_sight=True),
    ]

    assert list(counted_votes([pia.pk])) == [votes[0]]


# --- End to end: the figure a viewer sees ---------------------------------------------------


@pytest.fixture
def twins(db):
    """Vera's friends Pia and Quinn, alike: both trusted voices for friends of friends, both
    wrote the same public review (of a purchase each declared: a review rests on a purchase).
    Pia also keeps an "only me" review, a purchase made here and a declared one, and has no
    `social_proof`; Quinn has none of that."""
    vera, pia, quinn = (
        PersonFactory.create(name="Vera"),
        PersonFactory.create(name="Pia"),
        PersonFactory.create(name="Quinn"),
    )
    for twin in (pia, quinn):
        befriend(vera, twin)
        consent_grant(user=twin, purpose="influence", scope="fof")
        make_review(twin, make_product(), audience="public")
    return {"vera": vera, "pia": pia, "quinn": quinn}


def keep_to_herself(pia) -> None:
    make_purchase(pia, make_product("Fuel EX"), verified=True)  # the private review rests on it
    private = make_review(pia, make_product("Fuel EX"), audience="only_me")
    vote_helpful(private, PersonFactory.create(name="Voter"), out_of_sight=True)
    make_purchase(pia, make_product("Stache"), verified=False)


def figures(viewer) -> dict[str, tuple[float, float]]:
    return {
        voice.person.profile.display_name: (voice.score.expertise, voice.score.score)
        for voice in trusted_voices(viewer, bikes())
    }


def test_what_pia_keeps_to_herself_does_not_raise_the_figure_vera_sees(twins):
    keep_to_herself(twins["pia"])

    influence_run()

    shown = figures(twins["vera"])
    assert shown["Pia"] == shown["Quinn"]
    assert shown["Pia"][0] == 1.0  # the public review alone


def test_the_voices_page_shows_pia_and_quinn_with_the_same_experience(twins, client_for):
    keep_to_herself(twins["pia"])
    influence_run()

    body = client_for(twins["vera"]).get(reverse("recommendations:voices", args=["bikes"])).text

    for twin in ("pia", "quinn"):
        card = body[body.index(f'id="voice-{twins[twin].pk}"') :]
        assert "1 point of experience in Bikes" in card[: card.index("</li>")]


def test_the_incremental_run_counts_the_same_as_the_full_run(twins):
    influence_run()
    keep_to_herself(twins["pia"])

    run = influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    assert run.graph is False
    shown = figures(twins["vera"])
    assert shown["Pia"] == shown["Quinn"]
    incremental = set(InfluenceScore.objects.values_list("person_id", "expertise", "score"))
    influence_run()
    assert set(InfluenceScore.objects.values_list("person_id", "expertise", "score")) == (
        incremental
    )


def test_granting_social_proof_for_the_whole_scope_lets_purchases_count_at_the_next_run(twins):
    pia = twins["pia"]
    keep_to_herself(pia)
    influence_run()

    consent_grant(user=pia, purpose="social_proof", scope="fof")
    assert InfluenceChange.objects.filter(person=pia.pk, graph=False).exists()
    influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    # The review, the purchase it rests on (declared), the one bought here, the other declared.
    assert figures(twins["vera"])["Pia"][0] == 1.0 + 1.0 + 2.0 + 1.0
    consent_withdraw(user=pia, purpose="social_proof")
    influence_run(kind=InfluenceRun.Kind.INCREMENTAL)
    assert figures(twins["vera"])["Pia"][0] == 1.0


# --- A person's own page ---------------------------------------------------------------------


def test_my_own_page_shows_all_my_experience_beside_what_others_see(twins, client_for):
    pia = twins["pia"]
    keep_to_herself(pia)
    influence_run()

    [topic] = own_topics(pia)
    body = client_for(pia).get(reverse("recommendations:my_influence")).text

    # One public review (1) others see; with its declared purchase (1), the only-me review (1),
    # its vote (0.5), the purchase made here (2) and the declared one (1), all of it is 6.5.
    assert (topic.category, topic.everything, topic.score.expertise) == (bikes(), 6.5, 1.0)
    assert "Experience: 6.5 points in all, 1 point of it seen by others" in body
    assert "only you see the whole" in body and 'id="influence-what-others-see"' in body


def test_my_influence_api_gives_my_experience_apart_from_what_others_see(twins, api_client_for):
    keep_to_herself(twins["pia"])
    influence_run()

    body = api_client_for(twins["pia"]).get(reverse("api-discover-influence")).json()

    assert [score["expertise"] for score in body["scores"]] == [1.0]
    assert body["own_experience"] == [{"topic": "bikes", "topic_name": "Bikes", "expertise": 6.5}]


def test_a_review_of_a_thing_without_a_catalog_model_counts_in_its_category(pia):
    """A review may be about a category (and brand and typed name) alone: its topic is that
    category, for the run and for the person's own page; social search still answers."""
    marlin = make_product()
    bought = purchase_declare(
        buyer=pia,
        category=marlin.category,
        brand=marlin.brand,
        description="A custom frame",
        purchased_on=date(2026, 3, 1),
    )
    written = review_write(
        author=pia, purchase=bought, rating=5, title="Custom", text="Good.", audience="public"
    )
    assert (written.product_model, written.category) == (None, bought.category)

    [topic] = own_topics(pia)
    assert (topic.category, topic.everything) == (bikes(), 2.0)  # the review and its purchase
    friend = PersonFactory.create(name="Friend")
    befriend(friend, pia)
    assert social_search(friend, "bike", with_listings=False) is not None
