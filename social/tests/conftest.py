"""The social cast: the owner, their friends in and out of circle A, a friend of a friend, a
stranger, someone who blocked the owner, and a moderator."""

from __future__ import annotations

import pytest

from social.models import Circle
from social.services import blocks, circles, friends
from tests.cast import make_person


def befriend(a, b) -> None:
    request = friends.friend_request_send(sender=a, recipient=b)
    friends.friend_request_accept(user=b, request_id=request.pk)


@pytest.fixture
def graph(db, owner, stranger, moderator):
    """owner ↔ friend_a (in owner's circle A), owner ↔ friend_b (not in A), friend_a ↔ fof,
    blocked blocked owner after being friends."""
    friend_a = make_person("Fiona InCircle")
    friend_b = make_person("Frank OutCircle")
    fof = make_person("Fred FriendOfFriend")
    blocked = make_person("Bella Blocked")
    befriend(owner, friend_a)
    befriend(owner, friend_b)
    befriend(friend_a, fof)
    befriend(owner, blocked)
    circle_a = circles.circle_create(owner=owner, name="Circle A")
    circles.circle_memberships_set(owner=owner, friend=friend_a, circle_ids=[circle_a.pk])
    blocks.block_create(blocker=blocked, blocked=owner)
    return {
        "owner": owner,
        "friend_a": friend_a,
        "friend_b": friend_b,
        "fof": fof,
        "stranger": stranger,
        "blocked": blocked,
        "moderator": moderator,
        "circle_a": circle_a,
        "family": Circle.objects.get(owner=owner, name="Family"),
    }
