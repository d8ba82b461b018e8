"""Influence scores: the sparse computation on a small hand-computed graph, consent, blocks,
idempotence, the run record and the coalesced incremental runs."""

from __future__ import annotations

from unittest import mock

import pytest

from marketplace.models import Category
from privacy.services.consent import consent_grant, consent_withdraw
from recommendations import influence_events
from recommendations.influence import INTERRUPTED, influence_run
from recommendations.models import InfluenceChange, InfluenceReach, InfluenceRun, InfluenceScore
from social.models import Friendship
from social.services import blocks, circles
from tests.factories import (
    PersonFactory,
    befriend,
    make_product,
    make_purchase,
    make_review,
    vote_helpful,
)


def grant(*people, scope: str = "fof") -> None:
    for person in people:
        consent_grant(user=person, purpose="influence", scope=scope)


def share_purchases(*people, scope: str = "fof") -> None:
    """`social_proof` for `scope`: with the `influence` scope "fof", their purchases count."""
    for person in people:
        consent_grant(user=person, purpose="social_proof", scope=scope)


def tie(a, b, strength: float) -> None:
    Friendship.objects.filter(user=a, friend=b).update(tie_strength=strength)


def table() -> dict:
    return {
        (s.person_id, s.category_id): (s.expertise, s.one_hop, s.two_hop, s.score)
        for s in InfluenceScore.objects.all()
    }


@pytest.fixture
def line(db):
    """Ann — Ben — Cat, all consenting. Ties: Ann→Ben 2, Ben→Ann 1, Ben→Cat 3, Cat→Ben 1.
    Attention P: Ann gives Ben 1; Ben gives Ann 1/4 and Cat 3/4; Cat gives Ben 1.
    Reach one hop: Ann 1/4, Ben 2, Cat 3/4. Two hops (no path back to oneself):
    Ann: Cat→Ben→Ann = 1/4; Ben: 0; Cat: Ann→Ben→Cat = 3/4."""
    ann, ben, cat = (
        PersonFactory.create(name="Ann"),
        PersonFactory.create(name="Ben"),
        PersonFactory.create(name="Cat"),
    )
    befriend(ann, ben)
    befriend(ben, cat)
    tie(ann, ben, 2)
    tie(ben, ann, 1)
    tie(ben, cat, 3)
    tie(cat, ben, 1)
    grant(ann, ben, cat)
    return ann, ben, cat


def test_scores_match_the_hand_computed_graph(line):
    ann, ben, cat = line
    share_purchases(ann, cat)
    bike = make_product()
    bikes = Category.objects.get(slug="bikes")
    purchase = make_purchase(ann, bike, verified=True)  # 2
    review = make_review(ann, bike, purchase=purchase)  # 1
    vote_helpful(review, ben)  # 0.5
    vote_helpful(review, cat)  # 0.5
    make_purchase(cat, make_product("Fuel EX"), verified=False)  # declared: 1

    run = influence_run()

    scores = table()
    assert scores == {
        (ann.pk, bikes.pk): (4.0, 1.0, 1.0, 4.0 + 1.0 + 0.5),
        (cat.pk, bikes.pk): (1.0, 0.75, 0.75, 1.0 + 0.75 + 0.375),
    }
    run.refresh_from_db()
    assert run.status == InfluenceRun.Status.SUCCEEDED
    assert (run.people, run.edges) == (3, 4)
    assert run.finished_at is not None and run.duration_seconds is not None


def test_a_subcategory_counts_for_its_top_level_topic(line):
    ann, _, _ = line
    bikes = Category.objects.get_or_create(slug="bikes", defaults={"name": "Bikes"})[0]
    mtb = Category.objects.create(name="Mountain", slug="mountain", parent=bikes)
    product = make_product("Stache")
    product.category = mtb
    product.save()
    make_review(ann, product)

    influence_run()

    assert list(InfluenceScore.objects.values_list("category_id", flat=True)) == [bikes.pk]


def test_non_consenting_people_are_neither_scored_nor_a_path(line):
    ann, ben, cat = line
    consent_withdraw(user=ben, purpose="influence")
    make_review(ann, make_product())
    make_review(ben, make_product("Fuel EX"))

    run = influence_run()

    assert list(InfluenceScore.objects.values_list("person_id", "one_hop", "two_hop")) == [
        (ann.pk, 0.0, 0.0)
    ]
    assert (run.people, run.edges) == (2, 0)


def test_blocked_friends_are_not_a_path(line):
    ann, ben, _ = line
    make_review(ann, make_product())
    blocks.block_create(blocker=ben, blocked=ann)
    Friendship.objects.get_or_create(user=ann, friend=ben)  # even if a friendship row remained
    Friendship.objects.get_or_create(user=ben, friend=ann)

    influence_run()

    assert InfluenceScore.objects.get(person=ann).one_hop == 0.0


def test_a_withdrawal_removes_the_person_at_the_next_run(line):
    ann, _, _ = line
    make_review(ann, make_product())
    influence_run()
    assert InfluenceScore.objects.filter(person=ann).exists()

    consent_withdraw(user=ann, purpose="influence")
    assert InfluenceScore.objects.filter(person=ann).exists()  # until the next run
    influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    assert not InfluenceScore.objects.filter(person=ann).exists()


def test_running_twice_gives_the_same_table(line):
    ann, ben, cat = line
    share_purchases(ben)
    make_review(ann, make_product())
    make_purchase(ben, make_product("Fuel EX"), verified=True)
    make_review(cat, make_product("Fuel EX"))
    influence_run()
    first = table()

    influence_run()
    assert table() == first
    influence_run(kind=InfluenceRun.Kind.INCREMENTAL)
    assert table() == first
    assert len(first) == 3


def test_an_incremental_run_writes_only_what_changed_and_matches_a_full_run(line):
    ann, ben, _ = line
    make_review(ann, make_product())
    first = influence_run()
    make_review(ben, make_product("Fuel EX"))

    second = influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    runs = dict(InfluenceScore.objects.values_list("person_id", "run_id"))
    assert runs == {ann.pk: first.pk, ben.pk: second.pk}
    incremental = table()
    influence_run()
    assert table() == incremental


def test_after_one_new_review_only_its_author_is_rescored_from_the_stored_reach(line):
    ann, ben, cat = line
    make_review(ann, make_product())
    make_purchase(cat, make_product("Fuel EX"), verified=True)
    influence_run()
    assert not InfluenceChange.objects.exists()

    review = make_review(ben, make_product("Fuel EX"))
    vote_helpful(review, ann)
    assert set(InfluenceChange.objects.values_list("person", "graph")) == {(ben.pk, False)}

    run = influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    run.refresh_from_db()
    assert (run.graph, run.rescored, run.people, run.edges) == (False, 1, 3, 4)
    assert not InfluenceChange.objects.exists()
    runs = dict(InfluenceScore.objects.values_list("person_id", "run_id"))
    assert runs[ben.pk] == run.pk and runs[ann.pk] != run.pk
    incremental = table()
    assert incremental[(ben.pk, review.product_model.category_id)] == (1.5, 3.0, 0.0, 4.5)
    influence_run()
    assert table() == incremental


def test_a_deleted_review_takes_its_authors_score_away_at_the_next_run(line):
    ann, _, _ = line
    review = make_review(ann, make_product())
    influence_run()
    assert InfluenceScore.objects.filter(person=ann).exists()

    review.delete()
    run = influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    assert run.graph is False
    assert not InfluenceScore.objects.filter(person=ann).exists()


def test_a_graph_change_makes_the_incremental_run_read_the_whole_graph(line):
    ann, ben, cat = line
    make_review(ann, make_product())
    influence_run()
    dan = PersonFactory.create(name="Dan")
    grant(dan)
    befriend(ann, dan)
    assert InfluenceChange.objects.filter(graph=True).exists()

    run = influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    run.refresh_from_db()
    assert (run.graph, run.people, run.edges, run.rescored) == (True, 4, 6, 4)
    assert set(InfluenceReach.objects.values_list("person_id", flat=True)) == {
        ann.pk,
        ben.pk,
        cat.pk,
        dan.pk,
    }
    incremental = table()
    influence_run()
    assert table() == incremental


def test_the_first_incremental_run_reads_the_whole_graph(line):
    ann, _, _ = line
    make_review(ann, make_product())

    run = influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    assert run.graph is True
    assert InfluenceScore.objects.filter(person=ann).exists()


def test_a_failed_run_leaves_the_changes_for_the_next_one(line):
    ann, ben, _ = line
    make_review(ann, make_product())
    influence_run()
    make_review(ben, make_product("Fuel EX"))

    with (
        mock.patch("recommendations.influence._pause_inside_transaction", side_effect=OSError("x")),
        pytest.raises(OSError),
    ):
        influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    assert InfluenceChange.objects.filter(person=ben.pk).exists()
    assert not InfluenceScore.objects.filter(person=ben).exists()
    influence_run(kind=InfluenceRun.Kind.INCREMENTAL)
    assert InfluenceScore.objects.filter(person=ben).exists()
    assert not InfluenceChange.objects.exists()


def test_a_pending_friend_request_changes_nothing(line):
    from social.services.friends import friend_request_send

    ann, _, _ = line
    influence_run()
    friend_request_send(sender=ann, recipient=PersonFactory.create(name="Eve"))

    assert not InfluenceChange.objects.exists()


def test_a_run_left_running_is_marked_interrupted_by_the_next(line):
    stale = InfluenceRun.objects.create(kind=InfluenceRun.Kind.FULL)

    influence_run()

    stale.refresh_from_db()
    assert (stale.status, stale.error) == (InfluenceRun.Status.FAILED, INTERRUPTED)


def test_a_failing_run_keeps_the_previous_scores_and_says_why(line):
    ann, _, _ = line
    make_review(ann, make_product())
    influence_run()
    before = table()

    with (
        mock.patch("recommendations.influence._pause_inside_transaction", side_effect=OSError("x")),
        pytest.raises(OSError),
    ):
        influence_run()

    assert table() == before
    failed = InfluenceRun.objects.first()
    assert (failed.status, failed.error) == (InfluenceRun.Status.FAILED, "OSError: x")


def test_a_burst_of_events_queues_one_incremental_run(line, django_capture_on_commit_callbacks):
    ann, _, _ = line
    with mock.patch("recommendations.tasks.influence_incremental.apply_async") as queued:
        for number in range(10):
            with django_capture_on_commit_callbacks(execute=True):
                make_review(ann, make_product(f"Model {number}"))

    queued.assert_called_once()
    assert queued.call_args.kwargs["countdown"] == influence_events.COALESCE_SECONDS


@pytest.mark.parametrize(
    "event", ["purchase", "friendship", "consent", "vote", "social proof", "circle deleted"]
)
def test_each_relevant_event_queues_a_run(line, event, django_capture_on_commit_callbacks):
    ann, ben, _ = line
    review = make_review(ben, make_product())
    circle = circles.circle_create(owner=ann, name="Riders")
    with (
        mock.patch("recommendations.tasks.influence_incremental.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        if event == "purchase":
            make_purchase(ann, make_product(), verified=True)
        elif event == "friendship":
            befriend(ann, PersonFactory.create(name="Dan"))
        elif event == "consent":
            consent_withdraw(user=ann, purpose="influence")
        elif event == "social proof":
            share_purchases(ann)
        elif event == "circle deleted":
            circles.circle_delete(owner=ann, circle_id=circle.pk)
        else:
            vote_helpful(review, ann)

    assert queued.call_count == 1


def test_a_social_proof_change_rescores_only_that_person(line):
    ann, _, _ = line
    make_purchase(ann, make_product(), verified=True)
    influence_run()
    assert not InfluenceScore.objects.filter(person=ann).exists()  # no social_proof: not counted

    share_purchases(ann)
    assert set(InfluenceChange.objects.values_list("person", "graph")) == {(ann.pk, False)}
    run = influence_run(kind=InfluenceRun.Kind.INCREMENTAL)

    assert (run.graph, InfluenceScore.objects.get(person=ann).expertise) == (False, 2.0)


def test_other_consents_do_not_queue_a_run(line, django_capture_on_commit_callbacks):
    ann, _, _ = line
    with (
        mock.patch("recommendations.tasks.influence_incremental.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        consent_grant(user=ann, purpose="personalization")

    assert queued.call_count == 0


def test_the_tasks_run_and_return_the_run(line):
    from recommendations.tasks import influence_full, influence_incremental

    full = influence_full.delay().get()
    incremental = influence_incremental.delay().get()

    assert list(InfluenceRun.objects.values_list("pk", "kind")) == [
        (incremental, "incremental"),
        (full, "full"),
    ]


def test_the_nightly_run_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["recommendations-influence-full"]
    assert entry["task"] == "recommendations.influence_full"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {0})
