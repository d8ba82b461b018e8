"""People: verified members ready to sign in, a home on the map, moderators."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission

from accounts.models import User
from tests.factories.places import AMSTERDAM

PASSWORD = "correct horse battery staple"


class PersonFactory(factory.django.DjangoModelFactory[User]):
    """A verified member with a display name, ready to sign in with PASSWORD:
    `PersonFactory.create(name="Olivia Owner")`, `.create(name="Mona", is_staff=True)`."""

    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.name.lower().replace(' ', '.')}@example.com")

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, name: str, **fields: Any) -> User:
        user = model_class.objects.create_user(password=PASSWORD, **fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        user.profile.display_name = name
        user.profile.save()
        return user


def person(name: str) -> User:
    """`PersonFactory.create(name=name)`, the short form the social search tests read best in."""
    return PersonFactory.create(name=name)


def with_home(someone: User, at: tuple[Any, Any] = AMSTERDAM, *, place: str | None = None) -> User:
    """Give `someone` a home at `at` (latitude, longitude; numbers or strings), named `place`
    if given, as the profile form would."""
    profile = someone.profile
    profile.home_latitude, profile.home_longitude = (Decimal(str(v)) for v in at)
    if place is not None:
        profile.home_place = place
    profile.save()
    return someone


def moderators() -> Group:
    """The "Moderators" group of migration marketplace/0004 (and the permissions later migrations
    gave it), made again if a flush emptied the tables (transactional tests)."""
    group = None
    for name in (
        "0004_moderators_group",
        "0017_moderators_brand_side",
        "0021_moderators_brand_offers",
    ):
        migration = importlib.import_module(f"marketplace.migrations.{name}")
        group = migration.moderators_group(Group, Permission)
    assert group is not None
    return group


def make_admin(name: str = "Ada Admin") -> User:
    """A superuser: everything in the admin."""
    return PersonFactory.create(name=name, is_staff=True, is_superuser=True)


def make_moderator(name: str = "Max Moderator") -> User:
    """Staff, not a superuser, in the "Moderators" group."""
    moderator = PersonFactory.create(name=name, is_staff=True)
    moderator.groups.add(moderators())
    return moderator
