"""The bulk graph services: a new person's circles and settings, back-dated friendships, ties
raised many at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import NewAccount, accounts_create
from social.models import Circle, Friendship, SocialSettings
from social.services.friends import TIE_CEILING, friendships_create, tie_strengths_raise
from social.services.settings import people_set_up
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_people_made_in_bulk_get_what_the_signal_gives_one_new_person_and_only_once():
    made = accounts_create(accounts=[NewAccount("ada@example.com")], password="pw")
    assert not SocialSettings.objects.filter(user__in=made).exists()

    assert people_set_up(users=made) == (1, len(Circle.DEFAULT_NAMES))
    assert people_set_up(users=made) == (0, 0)
    names = set(Circle.objects.filter(owner__in=made).values_list("name", flat=True))
    assert names == set(Circle.DEFAULT_NAMES)


def test_friendships_can_be_back_dated_both_rows_alike():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")
    since = timezone.now() - timedelta(days=100)

    friendships_create([(ada.pk, bob.pk, 1.0, 1.0)], since={(ada.pk, bob.pk): since})

    assert set(Friendship.objects.values_list("created_at", flat=True)) == {since}


def test_ties_are_raised_once_per_interaction_up_to_the_ceiling_and_strangers_are_left_out():
    ada, bob, cy = (PersonFactory.create(name=name) for name in ("Ada", "Bob", "Cy"))
    friendships_create([(ada.pk, bob.pk, 3.2, TIE_CEILING)])

    raised = tie_strengths_raise(
        interactions={(ada.pk, bob.pk): 3, (bob.pk, ada.pk): 1, (ada.pk, cy.pk): 2}
    )

    assert [(tie.user_id, tie.tie_strength) for tie in raised] == [(ada.pk, 3.5)]
    assert Friendship.objects.get(user=bob).tie_strength == TIE_CEILING
