"""The bulk account services: many people at once, under the rules of one, all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Interest, Profile, User
from accounts.services import (
    NewAccount,
    ProfileDetails,
    accounts_create,
    interests_create,
    profile_interests_add,
    profiles_update,
)
from config.errors import DomainError
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_accounts_are_made_with_a_verified_address_a_profile_and_their_join_date():
    joined = timezone.now() - timedelta(days=40)

    made = accounts_create(
        accounts=[NewAccount("Ada@Example.com", joined_at=joined), NewAccount("bob@example.com")],
        password="a long demo password",
    )

    assert [user.email for user in made] == ["ada@example.com", "bob@example.com"]
    ada = User.objects.get(email="ada@example.com")
    assert ada.date_joined == joined
    assert ada.check_password("a long demo password")
    assert Profile.objects.filter(user__in=made).count() == 2
    assert EmailAddress.objects.filter(user__in=made, verified=True, primary=True).count() == 2


def test_an_address_already_taken_refuses_the_whole_batch_naming_its_row():
    PersonFactory.create(name="Ada", email="ada@example.com")

    with pytest.raises(DomainError, match="Row 1: ada@example.com already has an account"):
        accounts_create(
            accounts=[NewAccount("bob@example.com"), NewAccount("ADA@example.com")],
            password="pw",
        )

    assert not User.objects.filter(email="bob@example.com").exists()


def test_the_same_address_twice_in_a_batch_is_refused():
    with pytest.raises(DomainError, match="Row 1"):
        accounts_create(
            accounts=[NewAccount("cy@example.com"), NewAccount("cy@example.com")], password="pw"
        )

    assert not User.objects.exists()


def test_profiles_are_updated_under_the_rules_of_one_and_a_bad_row_refuses_them_all():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")

    profiles_update(details=[ProfileDetails(ada.pk, bio=" Cyclist. ", home=(45.7641, 4.8357))])
    ada.profile.refresh_from_db()
    assert (ada.profile.bio, str(ada.profile.home_latitude)) == ("Cyclist.", "45.76")

    with pytest.raises(DomainError, match="^Row 1: "):
        profiles_update(
            details=[
                ProfileDetails(ada.pk, bio="Changed"),
                ProfileDetails(bob.pk, display_name="x" * 81),
            ]
        )
    ada.profile.refresh_from_db()
    assert ada.profile.bio == "Cyclist."


def test_an_unknown_interest_refuses_the_batch_and_nothing_is_added():
    ada = PersonFactory.create(name="Ada")
    interests_create(names={"knots": "Knots"})

    with pytest.raises(DomainError, match="Row 1: No interest “no-such-thing”"):
        profile_interests_add(choices=[(ada.pk, "knots"), (ada.pk, "no-such-thing")])

    assert not ada.profile.interests.exists()
    assert profile_interests_add(choices=[(ada.pk, "knots")]) == 1
    assert list(ada.profile.interests.values_list("slug", flat=True)) == ["knots"]


def test_interests_are_made_once():
    interests_create(names={"knots": "Knots"})

    made = interests_create(names={"knots": "Rope work", "origami": "Origami"})

    assert [interest.slug for interest in made] == ["origami"]
    assert Interest.objects.get(slug="knots").name == "Knots"
