"""Network versions move from the model signals of the rows a network is made of, whoever writes
them: here everything is written straight through the ORM, as the admin, a shell or a data
migration would, and each write moves exactly the networks it changed."""

from __future__ import annotations

import pytest
from django.db.models import Q

from accounts.models import User
from social.audience import network_version
from social.models import Block, Circle, CircleMembership, Friendship

pytestmark = pytest.mark.django_db

CAST = ["owner", "friend_a", "friend_b", "fof", "stranger", "blocked", "moderator"]


def moved(graph, write) -> set[str]:
    """The people of the cast whose network version `write` moved."""
    before = {name: network_version(graph[name].pk) for name in CAST}
    write()
    return {name for name in CAST if network_version(graph[name].pk) != before[name]}


def test_a_friendship_made_through_the_orm_moves_both_people_and_their_friends(graph):
    friend_b, stranger = graph["friend_b"], graph["stranger"]

    def befriend() -> None:
        Friendship.objects.create(user=friend_b, friend=stranger)
        Friendship.objects.create(user=stranger, friend=friend_b)

    # The owner, friend_b's friend, now has the stranger among their friends of friends.
    assert moved(graph, befriend) == {"friend_b", "stranger", "owner"}


def test_a_friendship_deleted_through_the_orm_moves_both_people_and_their_friends(graph):
    friend_a, fof = graph["friend_a"], graph["fof"]
    pair = Q(user=friend_a, friend=fof) | Q(user=fof, friend=friend_a)
    assert moved(graph, lambda: Friendship.objects.filter(pair).delete()) == {
        "friend_a",
        "fof",
        "owner",
    }


def test_a_tie_saved_through_the_orm_moves_its_persons_network(graph):
    tie = Friendship.objects.get(user=graph["owner"], friend=graph["friend_a"])
    tie.tie_strength = 3.0

    assert "owner" in moved(graph, tie.save)


def test_a_block_made_or_lifted_through_the_orm_moves_both_people(graph):
    stranger, fof = graph["stranger"], graph["fof"]
    assert moved(graph, lambda: Block.objects.create(blocker=stranger, blocked=fof)) == {
        "stranger",
        "fof",
    }
    assert moved(graph, lambda: Block.objects.filter(blocker=stranger).delete()) == {
        "stranger",
        "fof",
    }


def test_a_circle_membership_written_through_the_orm_moves_the_owner_and_the_member(graph):
    family, friend_b = graph["family"], graph["friend_b"]
    both = {"owner", "friend_b"}
    assert moved(
        graph, lambda: CircleMembership.objects.create(circle=family, member=friend_b)
    ) == (both)
    assert moved(graph, lambda: CircleMembership.objects.filter(circle=family).delete()) == both
    assert moved(graph, lambda: family.members.add(friend_b)) == both
    assert moved(graph, lambda: family.members.remove(friend_b)) == both
    family.members.add(friend_b)
    assert moved(graph, family.members.clear) == both


def test_a_circle_deleted_through_the_orm_moves_the_owner_and_its_members(graph):
    circle_a = graph["circle_a"]  # friend_a is in it
    assert moved(graph, lambda: Circle.objects.filter(pk=circle_a.pk).delete()) == {
        "owner",
        "friend_a",
    }


def test_suspending_or_restoring_an_account_moves_every_network_that_includes_it(graph):
    friend_a = graph["friend_a"]

    def set_active(active: bool):
        def write() -> None:
            friend_a.is_active = active
            friend_a.save()  # the admin's checkbox

        return write

    # Their own, their friends' (owner, fof) and their friends of friends' (friend_b).
    reach = {"friend_a", "owner", "fof", "friend_b"}
    assert moved(graph, set_active(False)) == reach
    assert moved(graph, set_active(True)) == reach


def test_a_save_that_leaves_the_account_active_or_not_as_it_was_moves_nothing(graph):
    friend_a = graph["friend_a"]
    assert moved(graph, lambda: friend_a.save(update_fields=["last_login"])) == set()
    assert moved(graph, friend_a.save) == set()
    assert moved(graph, lambda: User.objects.get(pk=friend_a.pk).save()) == set()
