"""The demo consents step: most demo people grant social proof and influence, Anna always, a
rerun grants nothing new and never overrides a person's own choice; a cyclist who becomes a voice
for friends of friends shares their bike reviews with them."""

from __future__ import annotations

import pytest

from demo.consents import seed_consents
from demo.people import ANNA, everyone
from marketplace.models import Category
from privacy.models import ConsentState
from privacy.purposes import Purpose, Scope
from recommendations.expertise import counted_reviews
from social.models import Topic
from tests.factories import PersonFactory, befriend, make_product, make_review

pytestmark = pytest.mark.django_db


def test_most_demo_people_grant_and_a_rerun_adds_nothing():
    roster = [p for p in everyone() if p.email != ANNA.email][:13]
    people = [PersonFactory.create(name=p.display_name, email=p.email) for p in roster]
    anna = PersonFactory.create(name=ANNA.display_name, email=ANNA.email)
    line = seed_consents()
    granted = set(
        ConsentState.objects.filter(purpose=Purpose.SOCIAL_PROOF).values_list("user_id", flat=True)
    )
    assert anna.pk in granted
    assert 10 <= len(granted) < len(people) + 1  # most, not all
    assert ConsentState.objects.get(user=anna, purpose=Purpose.SOCIAL_PROOF).scope == Scope.FOF
    assert ConsentState.objects.get(user=anna, purpose=Purpose.INFLUENCE).scope == Scope.FRIENDS
    assert line.endswith(f"({2 * len(granted)} new)")
    ConsentState.objects.filter(user=anna, purpose=Purpose.INFLUENCE).update(scope=Scope.FOF)
    again = seed_consents()
    assert again.endswith("(0 new)")
    assert ConsentState.objects.get(user=anna, purpose=Purpose.INFLUENCE).scope == Scope.FOF


def test_a_cyclist_who_becomes_a_voice_for_friends_of_friends_shares_bike_reviews_with_them():
    friend, cyclist = (
        PersonFactory.create(name=p.display_name, email=p.email)
        for p in [p for p in everyone() if p.email != ANNA.email][:2]
    )
    anna = PersonFactory.create(name=ANNA.display_name, email=ANNA.email)
    befriend(anna, friend)
    befriend(friend, cyclist)
    product = make_product()
    bikes, _ = Topic.objects.get_or_create(slug="bikes", defaults={"name": "Bikes"})
    Category.objects.filter(pk=product.category_id).update(topic=bikes)
    kept_to_friends = make_review(cyclist, product, audience="friends")
    other_topic = make_review(cyclist, make_product("Tent", brand="Msr"), audience="friends")
    Category.objects.filter(pk=other_topic.product_model.category_id).update(topic=None)

    seed_consents()

    grant = ConsentState.objects.get(user=cyclist, purpose=Purpose.INFLUENCE)
    kept_to_friends.refresh_from_db()
    other_topic.refresh_from_db()
    assert (grant.scope, kept_to_friends.audience, other_topic.audience) == (
        Scope.FOF,
        "fof",
        "friends",
    )
    assert list(counted_reviews([cyclist.pk])) == [kept_to_friends]
