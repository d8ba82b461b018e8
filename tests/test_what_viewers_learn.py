"""What each member of the cast learns about the owner, output by output: only what the owner
shares with them. Each question has one function that answers it, and every output must agree
with it for every viewer:

- may the viewer see this content? `social.audience.can_view`
- may the viewer learn from the owner's purchases and reviews? `privacy.consent.allows`
  (`social_proof`), with blocks and deactivation applied
- is the owner named to the viewer (rather than only counted, with noise)? only as a friend

The owner bought a mountain bike, reviewed it, and posted about it; the grants and audiences are
varied below. The suite draws noise-free (`tests/noise.py`), so a count that includes the owner
is seen as exactly one more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.models import Purchase, Review
from marketplace.selectors.reviews import reviews_for_product
from privacy.consent import allows
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant
from recommendations.social_search import friends_who_bought, social_search
from social.audience import Relation, can_view, relation_between
from social.models import Friendship
from social.services import posts
from tests.factories import bike, make_purchase, review

pytestmark = pytest.mark.django_db

VIEWERS = ["friend_a", "friend_b", "fof", "stranger", "blocked", "moderator"]
GRANTS = {
    "no grant": None,
    "friends of friends": {"scope": Scope.FOF},
    "friends": {"scope": Scope.FRIENDS},
    "circle A": {"scope": Scope.CIRCLES},
}
AUDIENCES = ["public", "fof", "friends", "circles", "only_me"]


@pytest.fixture(params=list(GRANTS))
def shared(request, graph):
    """The owner's bike, review and post, and the `social_proof` grant of this case."""
    owner = graph["owner"]
    grant = GRANTS[request.param]
    if grant is not None:
        circles = [graph["circle_a"].pk] if grant["scope"] == Scope.CIRCLES else []
        consent_grant(
            user=owner, purpose=Purpose.SOCIAL_PROOF, scope=grant["scope"], circle_ids=circles
        )
    marlin = bike("Marlin 7")
    make_purchase(owner, marlin, verified=True)
    return {**graph, "marlin": marlin}


def named_in_funnel(viewer, owner) -> set[str]:
    result = social_search(viewer, "bike")
    return {step.key for step in result.funnel.steps if owner in step.who}


def is_friend(viewer, owner) -> bool:
    return Friendship.objects.filter(user=owner, friend=viewer).exists()


def test_the_funnel_names_the_owners_purchase_only_to_friends_the_grant_reaches(shared):
    owner = shared["owner"]
    for who in VIEWERS:
        viewer = shared[who]
        expected = allows(owner, Purpose.SOCIAL_PROOF, viewer) and is_friend(viewer, owner)
        named = named_in_funnel(viewer, owner)
        assert named == ({"bought", "kind", "brand"} if expected else set()), who


def test_a_count_beyond_friends_includes_the_owner_only_where_the_grant_reaches(shared):
    owner = shared["owner"]
    for who in VIEWERS:
        viewer = shared[who]
        result = social_search(viewer, "bike")
        bought = next(step for step in result.funnel.steps if step.key == "bought")
        counted = allows(owner, Purpose.SOCIAL_PROOF, viewer) and not is_friend(viewer, owner)
        assert bought.fof == (1 if counted else None), who  # nobody else could be counted
        assert owner not in bought.who or is_friend(viewer, owner), who


def test_friends_who_bought_follows_the_same_answer(shared):
    owner = shared["owner"]
    for who in VIEWERS:
        viewer = shared[who]
        answer = friends_who_bought(viewer, shared["marlin"])
        allowed = allows(owner, Purpose.SOCIAL_PROOF, viewer)
        assert (owner in answer.friends) == (allowed and is_friend(viewer, owner)), who
        assert answer.fof == (1 if allowed and not is_friend(viewer, owner) else None), who


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_review_is_shown_where_its_audience_and_the_grant_both_reach(shared, audience):
    owner = shared["owner"]
    circle_ids = [shared["circle_a"].pk] if audience == "circles" else []
    written = review(owner, shared["marlin"], audience=audience, circle_ids=circle_ids)
    for who in VIEWERS:
        viewer = shared[who]
        shown = {item.review.pk for item in social_search(viewer, "bike").reviews}
        expected = can_view(viewer, written) and allows(owner, Purpose.SOCIAL_PROOF, viewer)
        assert (written.pk in shown) == expected, who


@pytest.mark.parametrize("audience", ["public", "friends"])
def test_the_verified_badge_follows_the_grant_and_the_review_its_audience(shared, audience):
    owner = shared["owner"]
    written = review(owner, shared["marlin"], audience=audience)
    Review.objects.filter(pk=written.pk).update(purchase=Purchase.objects.get(buyer=owner))
    for who in VIEWERS:
        viewer = shared[who]
        shown = {r.pk: r.verified_purchase for r in reviews_for_product(viewer, shared["marlin"])}
        assert (written.pk in shown) == can_view(viewer, written), who
        if written.pk in shown:
            assert shown[written.pk] == allows(owner, Purpose.SOCIAL_PROOF, viewer), who


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_post_is_counted_or_named_where_its_audience_reaches(graph, audience):
    owner = graph["owner"]
    circles = [graph["circle_a"].pk] if audience == "circles" else []
    post = posts.post_create(
        author=owner, text="Out on my new bike today", audience=audience, circle_ids=circles
    )
    for who in VIEWERS:
        viewer = graph[who]
        result = social_search(viewer, "bike")
        talked = next(step for step in result.funnel.steps if step.key == "talked")
        visible = can_view(viewer, post)
        assert (owner in talked.who) == (visible and is_friend(viewer, owner)), who
        is_fof = relation_between(viewer, owner) == Relation.FOF
        assert (talked.fof or 0) == (1 if visible and is_fof else 0), who  # counted, not named


def test_an_anonymous_visitor_learns_nothing(shared):
    assert friends_who_bought(AnonymousUser(), shared["marlin"]).empty


def test_a_deactivated_owner_is_neither_named_nor_counted(shared):
    owner = shared["owner"]
    consent_grant(user=owner, purpose=Purpose.SOCIAL_PROOF, scope=Scope.FOF)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    for who in VIEWERS:
        viewer = shared[who]
        assert named_in_funnel(viewer, owner) == set()
        assert friends_who_bought(viewer, shared["marlin"]).fof is None
