"""The viewer's gated network is kept between searches (`network_of`): every change to what it is
made of shows in the very next search, whoever made it: a service, or the admin or a shell
writing through the ORM (the model signals move the versions)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from marketplace.services.reports import content_moderate
from privacy.models import ConsentState, Release
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant, consent_withdraw
from querycache.lookups import IdArray
from querycache.prepared import Prepared
from recommendations.social_search import network_of, social_search
from recommendations.social_search.network import NETWORK_CACHE_SECONDS, kept_networks
from recommendations.tests.funnel import steps
from social.audience import network_version
from social.models import Block, CircleMembership, Friendship
from social.services import blocks, circles
from social.services.friends import friendship_remove, tie_strength_raise
from tests.factories import consent, friends, make_moderator, make_purchase, person

pytestmark = pytest.mark.django_db


def bought(viewer) -> tuple[int, int | None]:
    """The "bought" step of a search asked as if for the first time today: these tests are about
    the kept network, so the day's kept answers beyond friends are forgotten first."""
    Release.objects.all().delete()
    return steps(social_search(viewer, "bike"))["bought"]


def test_the_second_search_reads_neither_the_graph_nor_the_consents(world):
    vera = world["vera"]
    with CaptureQueriesContext(connection) as first:
        social_search(vera, "bike")
    with CaptureQueriesContext(connection) as second:
        social_search(vera, "bike")

    def reads(queries, table: str) -> int:
        return sum(f'FROM "{table}"' in q["sql"].split(" WHERE ")[0] for q in queries)

    # The ties, the friends of friends and the consent gate are read once, as is the catalog's
    # match of the query; the paths to friends of friends who wrote reviews, every time.
    assert (reads(first, "social_friendship"), reads(second, "social_friendship")) == (3, 1)
    assert (reads(first, "privacy_consentstate"), reads(second, "privacy_consentstate")) == (1, 0)
    assert (reads(first, "social_topic"), reads(second, "social_topic")) == (1, 0)


def test_the_kept_network_comes_back_with_its_id_lists_made(world, monkeypatch):
    vera = world["vera"]
    first = network_of(vera)
    made = []
    monkeypatch.setattr(IdArray, "__init__", lambda self, ids: made.append(ids))
    kept = network_of(vera)
    assert made == []  # not one id list made again
    assert kept.consenting_ids.ids == first.consenting_ids.ids
    assert kept.consenting_graph.fof_ids.literal == first.consenting_graph.fof_ids.literal
    assert kept.everyone.ids == first.everyone.ids
    assert set(kept.consenting_graph.ties) == set(kept.ties) & set(kept.consenting_ids.ids)


def test_a_block_after_a_search_shows_in_the_next(world):
    vera = world["vera"]
    assert bought(vera) == (4, 3)
    blocks.block_create(blocker=world["f"][2], blocked=vera)
    assert bought(vera) == (3, 3)


def test_an_unfriending_after_a_search_shows_in_the_next(world):
    vera, f1 = world["vera"], world["f"][1]
    assert bought(vera) == (4, 3)
    friendship_remove(user=f1, friend=vera)  # by the friend, not the viewer
    assert bought(vera) == (3, None)  # f1 gone, and with f1 the friends of friends through f1


def test_a_friends_new_friend_is_counted_in_the_next_search(world):
    vera = world["vera"]
    assert bought(vera) == (4, 3)
    newcomer = person("New Fof")
    make_purchase(newcomer, world["marlin"])
    consent(newcomer)
    friends(world["f"][3], newcomer)  # neither side is Vera
    assert newcomer.pk in network_of(vera).consenting_ids.ids
    assert bought(vera) == (4, 4)


def test_leaving_the_circle_a_grant_is_scoped_to_shows_in_the_next_search(world):
    vera, f5 = world["vera"], world["f"][5]
    riders = circles.circle_create(owner=f5, name="Riders")
    circles.circle_memberships_set(owner=f5, friend=vera, circle_ids=[riders.pk])
    consent_grant(
        user=f5, purpose=Purpose.SOCIAL_PROOF, scope=Scope.CIRCLES, circle_ids=[riders.pk]
    )
    assert bought(vera) == (5, 3)
    circles.circle_memberships_set(owner=f5, friend=vera, circle_ids=[])
    assert bought(vera) == (4, 3)
    circles.circle_memberships_set(owner=f5, friend=vera, circle_ids=[riders.pk])
    assert bought(vera) == (5, 3)
    circles.circle_delete(owner=f5, circle_id=riders.pk)
    assert bought(vera) == (4, 3)


def test_an_account_deactivated_after_a_search_is_not_counted_in_the_next(world):
    vera = world["vera"]
    assert bought(vera) == (4, 3)
    # However it is deactivated (a queryset update moves no version), its rows are left out.
    User.objects.filter(pk=world["f"][2].pk).update(is_active=False)
    assert bought(vera) == (3, 3)


def test_a_person_suspended_then_restored_is_counted_again_in_the_next_search(world):
    vera, f2 = world["vera"], world["f"][2]
    f2.is_active = False
    f2.save()  # the admin's checkbox, or a shell
    assert bought(vera) == (3, 3)  # the network kept from here on is read without f2
    f2.is_active = True
    f2.save()
    assert bought(vera) == (4, 3)


def test_people_a_moderator_suspended_then_restored_are_counted_again_in_the_next_search(world):
    vera, moderator = world["vera"], make_moderator()
    suspended = [world["f"][2], world["g"][1]]  # a friend, and a friend of a friend
    for someone in suspended:
        content_moderate(moderator=moderator, target=someone, action="suspend")
    assert bought(vera) == (3, 2)  # the network kept from here on is read without them
    for someone in suspended:
        content_moderate(moderator=moderator, target=someone, action="restore")
    assert bought(vera) == (4, 3)


def test_a_friendship_made_in_a_shell_is_counted_in_the_next_search(world):
    vera, f3 = world["vera"], world["f"][3]
    newcomer = person("New Fof")
    make_purchase(newcomer, world["marlin"])
    consent(newcomer)
    assert bought(vera) == (4, 3)
    Friendship.objects.create(user=f3, friend=newcomer)
    Friendship.objects.create(user=newcomer, friend=f3)
    assert bought(vera) == (4, 4)


def test_a_friendship_deleted_in_a_shell_shows_in_the_next_search(world):
    vera, f1 = world["vera"], world["f"][1]
    assert bought(vera) == (4, 3)
    Friendship.objects.filter(Q(user=f1, friend=vera) | Q(user=vera, friend=f1)).delete()
    assert bought(vera) == (3, None)


def test_a_block_made_and_lifted_in_a_shell_shows_in_the_next_search(world):
    vera, f2, b2 = world["vera"], world["f"][2], world["b2"]
    assert bought(vera) == (4, 3)
    Block.objects.create(blocker=f2, blocked=vera)
    assert bought(vera) == (3, 3)
    Block.objects.filter(blocker__in=[f2, b2], blocked=vera).delete()
    assert bought(vera) == (4, 4)  # and b2, a friend of a friend, counts again


def test_a_circle_membership_written_in_a_shell_shows_in_the_next_search(world):
    vera, f5 = world["vera"], world["f"][5]
    riders = circles.circle_create(owner=f5, name="Riders")
    consent_grant(
        user=f5, purpose=Purpose.SOCIAL_PROOF, scope=Scope.CIRCLES, circle_ids=[riders.pk]
    )
    assert bought(vera) == (4, 3)
    CircleMembership.objects.create(circle=riders, member=vera)
    assert bought(vera) == (5, 3)
    CircleMembership.objects.filter(circle=riders).delete()
    assert bought(vera) == (4, 3)


def test_a_consent_withdrawn_in_a_shell_shows_in_the_next_search(world):
    vera, f2 = world["vera"], world["f"][2]
    assert bought(vera) == (4, 3)
    ConsentState.objects.filter(user=f2, purpose=Purpose.SOCIAL_PROOF).delete()
    assert bought(vera) == (3, 3)


def test_granting_another_purpose_keeps_the_network_kept_for_social_search(world):
    vera = world["vera"]
    first = network_of(vera)
    consent_grant(user=world["f"][5], purpose=Purpose.PERSONALIZATION)
    assert network_of(vera).prepared is first.prepared


def test_the_process_keeps_a_network_no_longer_than_the_shared_cache_would(world, monkeypatch):
    vera = world["vera"]
    now = [0.0]
    monkeypatch.setattr(kept_networks, "clock", lambda: now[0])
    kept_networks.clear()
    first = network_of(vera)
    now[0] += NETWORK_CACHE_SECONDS - 1
    assert network_of(vera).prepared is first.prepared
    now[0] += 1
    assert network_of(vera).prepared is not first.prepared


def test_a_stronger_tie_reorders_the_names_in_the_next_search(world):
    vera, f4 = world["vera"], world["f"][4]
    before = network_version(vera.pk)
    names = [p.pk for p in social_search(vera, "bike").funnel.steps[1].who]
    assert names[0] != f4.pk
    tie_strength_raise(user=vera, friend=f4, amount=5)
    assert network_version(vera.pk) != before
    assert [p.pk for p in social_search(vera, "bike").funnel.steps[1].who][0] == f4.pk


def test_the_process_keeps_the_network_and_its_compiled_queries_until_a_version_moves(
    world, monkeypatch
):
    vera, g1 = world["vera"], world["g"][1]
    compiled = []
    compile_ = Prepared._compile
    monkeypatch.setattr(Prepared, "_compile", lambda self: (compiled.append(self), compile_(self)))
    assert bought(vera) == (4, 3)
    first = network_of(vera)
    assert network_of(vera).prepared is first.prepared  # kept in this process, not unpickled
    # The network's reviews and posts (its purchases and paths to friends of friends are asked
    # through queries the same for every network, compiled once per process).
    assert len(first.prepared) == 2
    postgresql = connection.vendor == "postgresql"
    assert set(first.prepared.values()) <= set(compiled) if postgresql else compiled == []
    compiled.clear()
    assert bought(vera) == (4, 3)
    social_search(vera, "mountain bikes")  # another topic of the same shape: the same queries
    assert compiled == []

    consent_withdraw(user=g1, purpose=Purpose.SOCIAL_PROOF)  # moves the social_proof version
    assert network_of(vera).prepared is not first.prepared
    assert g1.pk not in network_of(vera).consenting_ids.ids
    assert bought(vera) == (4, 2)
    assert len(compiled) == (2 if postgresql else 0)  # the network's own two, no others
