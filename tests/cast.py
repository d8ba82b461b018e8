"""The shared cast of people every test can call on.

Later issues give them their relations (friends, circles, blocks); here they are the accounts
themselves: verified, with a display name, signed in through `client_for`.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User

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
