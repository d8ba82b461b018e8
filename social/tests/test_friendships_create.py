"""`friendships_create`: many friendships at once, with the invariants of one accepted request."""

from __future__ import annotations

import pytest

from social.audience import network_version
from social.models import Block, Friendship
from social.services.friends import friendships_create
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def pairs() -> set[tuple[int, int, float]]:
    return set(Friendship.objects.values_list("user_id", "friend_id", "tie_strength"))


def test_each_pair_is_two_directed_rows_with_its_own_tie_strengths():
    ada, bob, cy = (PersonFactory.create(name=name) for name in ("Ada", "Bob", "Cy"))

    written = friendships_create([(ada.pk, bob.pk, 2.0, 0.5), (bob.pk, cy.pk, 1.0, 1.0)])

    assert len(written) == 4
    assert pairs() == {
        (ada.pk, bob.pk, 2.0),
        (bob.pk, ada.pk, 0.5),
        (bob.pk, cy.pk, 1.0),
        (cy.pk, bob.pk, 1.0),
    }


def test_nobody_befriends_themselves_or_someone_blocked_either_way():
    ada, bob, cy = (PersonFactory.create(name=name) for name in ("Ada", "Bob", "Cy"))
    Block.objects.create(blocker=cy, blocked=ada)

    friendships_create([(ada.pk, ada.pk, 1.0, 1.0), (ada.pk, cy.pk, 1.0, 1.0)])

    assert pairs() == set()


def test_running_it_again_makes_nothing_twice():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")
    friendships_create([(ada.pk, bob.pk, 1.0, 1.0)])

    friendships_create([(ada.pk, bob.pk, 3.0, 3.0)])

    assert pairs() == {(ada.pk, bob.pk, 1.0), (bob.pk, ada.pk, 1.0)}


def test_the_networks_of_both_sides_move():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")
    before = network_version(ada.pk), network_version(bob.pk)

    friendships_create([(ada.pk, bob.pk, 1.0, 1.0)])

    assert network_version(ada.pk) != before[0]
    assert network_version(bob.pk) != before[1]
