"""The demo consents step: most demo people grant social proof and influence, Anna always, a
rerun grants nothing new and never overrides a person's own choice."""

from __future__ import annotations

import pytest

from accounts.demo import ANNA, everyone
from privacy.models import ConsentState
from privacy.purposes import Purpose, Scope
from recommendations.demo import seed_consents
from tests.cast import make_person

pytestmark = pytest.mark.django_db


def test_most_demo_people_grant_and_a_rerun_adds_nothing():
    roster = [p for p in everyone() if p.email != ANNA.email][:13]
    people = [make_person(p.display_name, email=p.email) for p in roster]
    anna = make_person(ANNA.display_name, email=ANNA.email)
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
