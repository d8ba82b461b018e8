"""The shared cast of people every test can call on.

`owner`, `stranger` and `moderator` are plain verified accounts; the marketplace's `seller`
(Sally Seller) and `buyer` (Bea Buyer) too. `graph` gives the owner their
relations: friend_a (in the owner's "Circle A"), friend_b (a friend not in it), fof (a friend of
friend_a only), and blocked (who was a friend, then blocked the owner). The access matrix runs
every route against exactly this cast.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from social.models import Circle
from social.services import blocks, circles
from tests.factories import PersonFactory, befriend


@pytest.fixture
def owner(db) -> User:
    return PersonFactory.create(name="Olivia Owner")


@pytest.fixture
def stranger(db) -> User:
    return PersonFactory.create(name="Sam Stranger")


@pytest.fixture
def moderator(db) -> User:
    return PersonFactory.create(name="Mona Moderator", is_staff=True)


@pytest.fixture
def seller(db) -> User:
    return PersonFactory.create(name="Sally Seller")


@pytest.fixture
def buyer(db) -> User:
    return PersonFactory.create(name="Bea Buyer")


@pytest.fixture
def client_for(client):
    """Sign a person in on the test client: `client_for(owner).get(...)`."""

    def sign_in(user: User):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture
def api_client_for():
    from rest_framework.test import APIClient

    def sign_in(user: User | None):
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    return sign_in


@pytest.fixture
def graph(db, owner, stranger, moderator) -> dict:
    """owner ↔ friend_a (in owner's circle A), owner ↔ friend_b (not in A), friend_a ↔ fof,
    blocked blocked owner after being friends."""
    return build_graph(owner=owner, stranger=stranger, moderator=moderator)


def build_graph(*, owner, stranger, moderator) -> dict:
    """The `graph` fixture's people and relations, for callers outside one test function (the
    access matrix builds them once per module)."""
    friend_a = PersonFactory.create(name="Fiona InCircle")
    friend_b = PersonFactory.create(name="Frank OutCircle")
    fof = PersonFactory.create(name="Fred FriendOfFriend")
    blocked = PersonFactory.create(name="Bella Blocked")
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
