"""`circle_memberships_add`: many people put in circles at once, friends only."""

from __future__ import annotations

import pytest

from social.models import CircleMembership
from social.services.circles import circle_create, circle_memberships_add
from tests.factories import PersonFactory, befriend

pytestmark = pytest.mark.django_db


def test_friends_go_in_and_nobody_else_nothing_twice():
    ada, bob, cy = (PersonFactory.create(name=name) for name in ("Ada", "Bob", "Cy"))
    befriend(ada, bob)
    club = circle_create(owner=ada, name="Club")

    circle_memberships_add([(club.pk, bob.pk), (club.pk, cy.pk), (club.pk, bob.pk)])
    circle_memberships_add([(club.pk, bob.pk)])

    assert list(CircleMembership.objects.values_list("circle_id", "member_id")) == [
        (club.pk, bob.pk)
    ]
