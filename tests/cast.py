"""The shared cast of people every test can call on.

`owner`, `stranger` and `moderator` are plain verified accounts. `graph` gives the owner their
relations: friend_a (in the owner's "Circle A"), friend_b (a friend not in it), fof (a friend of
friend_a only), and blocked (who was a friend, then blocked the owner). The access matrix runs
every route against exactly this cast.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from social.models import Circle
from social.services import blocks, circles, friends

PASSWORD = "correct horse battery staple"


def make_person(name: str, *, email: str | None = None, **extra) -> User:
    """A verified member with a display name, ready to sign in with PASSWORD."""
    email = email or f"{name.lower().replace(' ', '.')}@example.com"
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user.profile.display_name = name
    user.profile.save()
    return user


@pytest.fixture
def owner(db) -> User:
    return make_person("Olivia Owner")


@pytest.fixture
def stranger(db) -> User:
    return make_person("Sam Stranger")


@pytest.fixture
def moderator(db) -> User:
    return make_person("Mona Moderator", is_staff=True)


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


def befriend(a, b) -> None:
    request = friends.friend_request_send(sender=a, recipient=b)
    friends.friend_request_accept(user=b, request_id=request.pk)


@pytest.fixture
def graph(db, owner, stranger, moderator) -> dict:
    """owner ↔ friend_a (in owner's circle A), owner ↔ friend_b (not in A), friend_a ↔ fof,
    blocked blocked owner after being friends."""
    return build_graph(owner=owner, stranger=stranger, moderator=moderator)


def build_graph(*, owner, stranger, moderator) -> dict:
    """The `graph` fixture's people and relations, for callers outside one test function (the
    access matrix builds them once per module)."""
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
