"""Counts released with noise (`privacy.releases`): OpenDP's noise has the distribution it
promises, a release is stored and repeated for the day, the day's budget is kept, and the
differencing attacks that an exact count (or a floor at k) allows give no exact difference."""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from privacy import releases
from privacy.models import PrivacyBudget, PublishedFigure, Release
from privacy.releases import (
    Draw,
    Overspent,
    about,
    published,
    purge_before,
    question_key,
    release,
    spent_today,
    threshold_for,
)
from privacy.tasks import purge_old_releases
from recommendations.social_search import social_search
from recommendations.tests.funnel import steps
from social.services import circles
from social.services.friends import friendship_remove
from tests.factories import bike, consent, friends, make_purchase, person
from tests.noise import ExactSampler, ShiftSampler

pytestmark = pytest.mark.django_db


def one_count(true: int):
    return lambda noise: {"n": noise.counts([true], sensitivity=1, epsilon=noise.epsilon)[0]}


# --- The noise ------------------------------------------------------------------------------


def test_opendp_draws_discrete_laplace_noise_of_the_scale_asked(opendp_noise):
    """Discrete Laplace of scale b: P(noise = k) ∝ exp(-|k| / b). With b = 2 the chance of
    exactly zero is tanh(1 / 4) ≈ 0.245 and the variance 2e^(-1/2) / (1 - e^(-1/2))² ≈ 7.84."""
    draws = [value - 100 for value in opendp_noise.laplace([100] * 20_000, 2.0)]
    mean = sum(draws) / len(draws)
    variance = sum((d - mean) ** 2 for d in draws) / len(draws)
    zero = Counter(draws)[0] / len(draws)
    assert all(isinstance(d, int) for d in draws)
    assert abs(mean) < 0.15
    assert variance == pytest.approx(2 * math.exp(-0.5) / (1 - math.exp(-0.5)) ** 2, rel=0.08)
    assert zero == pytest.approx(math.tanh(0.25), abs=0.02)


def test_opendp_noise_is_symmetric_and_drawn_afresh_each_time(opendp_noise):
    draws = [value - 50 for value in opendp_noise.laplace([50] * 20_000, 1.0)]
    above, below = sum(d > 0 for d in draws), sum(d < 0 for d in draws)
    assert abs(above - below) / len(draws) < 0.03
    assert len(set(opendp_noise.laplace([50] * 20, 1.0))) > 1


def test_partition_selection_keeps_a_large_key_and_drops_one_persons_key(opendp_noise):
    threshold = threshold_for(1.0, 1, 1e-6)
    kept = [
        opendp_noise.above_threshold({"many": 60, "one": 1}, 1.0, threshold) for _ in range(200)
    ]
    assert all("many" in answer for answer in kept)
    assert not any("one" in answer for answer in kept)


def test_the_threshold_meets_the_delta_by_opendps_own_map(opendp_noise):
    threshold = threshold_for(2.0, 1, 1e-6)
    assert opendp_noise.delta_of(2.0, threshold, 1) <= 1e-6
    assert opendp_noise.delta_of(2.0, threshold - 1, 1) > 1e-6
    assert threshold_for(2.0, 3, 1e-6) > threshold  # more keys per person, a higher bar


def test_a_release_cannot_spend_more_than_its_epsilon():
    draw = Draw(1.0, delta=1e-6, using=ExactSampler())
    draw.counts([1], sensitivity=1, epsilon=0.75)
    with pytest.raises(Overspent):
        draw.counts([1], sensitivity=1, epsilon=0.5)


def test_noise_is_calibrated_to_sensitivity_over_epsilon(exact_noise):
    draw = Draw(1.0, delta=1e-6, using=exact_noise)
    draw.counts([1, 2], sensitivity=2, epsilon=0.5)
    draw.select({"a": 1}, contributions=1, epsilon=0.5)
    assert exact_noise.draws == [("laplace", 4.0), ("threshold", 2.0)]


def test_noisy_counts_are_never_below_zero():
    draw = Draw(1.0, delta=1e-6, using=ShiftSampler(-5))
    assert draw.counts([2, 7], sensitivity=1, epsilon=1.0) == [0, 2]


# --- In words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (None, ""),
        (0, "fewer than 5"),
        (4, "fewer than 5"),
        (5, "about 5"),
        (7, "about 5"),
        (8, "about 10"),
        (12, "about 10"),
        (13, "about 15"),
        (98, "about 100"),
        (104, "about 100"),
        (1234, "about 1200"),
    ],
)
def test_counts_read_as_words(count, words):
    assert about(count) == words


# --- Stored for the day, under a budget ------------------------------------------------------


def test_the_same_question_the_same_day_gets_the_stored_answer(owner, opendp_noise):
    first = release(owner, ("q", 1), one_count(10))
    again = [release(owner, ("q", 1), one_count(10)) for _ in range(5)]
    assert {answer.value["n"] for answer in again} == {first.value["n"]}
    assert all(answer.repeated for answer in again) and not first.repeated
    assert spent_today(owner) == 1.0
    assert Release.objects.get().question == question_key(("q", 1))  # a digest, not words


def test_a_repeated_answer_is_one_query_and_draws_nothing(owner, exact_noise):
    release(owner, ("q", 1), one_count(3))
    exact_noise.draws.clear()
    with CaptureQueriesContext(connection) as queries:
        release(owner, ("q", 1), one_count(3))
    assert len(queries) == 1 and exact_noise.draws == []


def test_another_viewer_or_another_day_is_another_release(owner, stranger, next_day):
    release(owner, ("q", 1), one_count(3))
    assert not release(stranger, ("q", 1), one_count(3)).repeated
    next_day()
    assert not release(owner, ("q", 1), one_count(3)).repeated
    assert Release.objects.count() == 3


def test_the_days_budget_stops_new_questions_and_keeps_old_answers(owner, settings, next_day):
    settings.PRIVACY_EPSILON_PER_DAY = 3.0
    answers = [release(owner, ("q", n), one_count(n)) for n in range(3)]
    assert [a.value["n"] for a in answers] == [0, 1, 2]
    spent = release(owner, ("q", 99), one_count(7))
    assert spent.value is None and spent.exhausted
    assert release(owner, ("q", 1), one_count(1)).value == {"n": 1}  # asked earlier today
    assert PrivacyBudget.objects.get(viewer=owner).spent == pytest.approx(3.0)
    next_day()
    assert release(owner, ("q", 99), one_count(7)).value == {"n": 7}


def test_a_budget_smaller_than_one_release_answers_nothing(owner, settings):
    settings.PRIVACY_EPSILON_PER_DAY = 0.5
    assert release(owner, ("q",), one_count(1)).exhausted
    assert not Release.objects.exists()


def test_old_releases_and_budgets_are_purged(owner, next_day):
    release(owner, ("q", 1), one_count(1))
    assert purge_before(releases.today()) == 0
    assert purge_before(releases.today() + timedelta(days=1)) == 1
    assert not PrivacyBudget.objects.exists()
    published({"k": (owner.pk, ("figure",))}, lambda key, draw: {"n": 1})
    purge_before(releases.today() + timedelta(days=1))
    assert not PublishedFigure.objects.exists()
    release(owner, ("q", 2), one_count(1))
    assert purge_old_releases.delay().get(timeout=10) == 0  # yesterday's are kept a day


# --- The differencing attacks ------------------------------------------------------------------


@pytest.fixture
def target(db):
    """Mallory's two puppets are her friends; the target, a friend of a puppet, bought a bike and
    lets friends of friends count it. Mallory wants to know whether the target bought one."""
    mallory, puppet_a, puppet_b, target = (
        person(name) for name in ("Mallory", "Puppet A", "Puppet B", "Target")
    )
    friends(mallory, puppet_a, puppet_b)
    marlin = bike("Marlin 7")
    for someone in (puppet_a, puppet_b):
        consent(someone)
    friends(puppet_a, target)
    consent(target)
    make_purchase(target, marlin)
    extra = [person(f"Extra {n}") for n in range(2)]  # two more, pushing the count past a floor
    for someone in extra:
        friends(puppet_b, someone)
        consent(someone)
        make_purchase(someone, marlin)
    return {"mallory": mallory, "a": puppet_a, "b": puppet_b, "target": target}


def fof_bought(viewer) -> int | None:
    return steps(social_search(viewer, "bike"))["bought"][1]


def test_unfriending_the_link_to_one_person_gives_no_exact_difference(target, opendp_noise):
    before = fof_bought(target["mallory"])
    friendship_remove(user=target["a"], friend=target["target"])  # the puppet drops the target
    assert fof_bought(target["mallory"]) == before  # the same question today: the same answer


def test_unfriending_and_befriending_again_gives_no_exact_difference(target, opendp_noise):
    before = fof_bought(target["mallory"])
    friendship_remove(user=target["a"], friend=target["target"])
    friends(target["a"], target["target"])
    assert fof_bought(target["mallory"]) == before


def test_moving_puppets_between_circles_gives_no_exact_difference(target, opendp_noise):
    before = fof_bought(target["mallory"])
    riders = circles.circle_create(owner=target["mallory"], name="Riders")
    circles.circle_memberships_set(
        owner=target["mallory"], friend=target["a"], circle_ids=[riders.pk]
    )
    assert fof_bought(target["mallory"]) == before


def test_the_next_days_answers_differ_by_noise_not_by_one(target, opendp_noise, next_day):
    """Asked on many days with and without the target, the two answers are noisy: their
    difference is not the target's one purchase but spread over many values."""
    differences = []
    for _day in range(40):
        next_day()
        with_target = fof_bought(target["mallory"])
        next_day()
        friendship_remove(user=target["a"], friend=target["target"])
        without_target = fof_bought(target["mallory"])
        friends(target["a"], target["target"])
        differences.append(with_target - without_target)
    assert len(set(differences)) > 3


# --- Figures published alike to every viewer --------------------------------------------------


def test_a_published_figure_is_drawn_once_a_day_and_spends_no_viewer_budget(owner, settings):
    settings.PRIVACY_EPSILON_PER_FIGURE = 2.0
    other = person("Other")
    calls = []

    def draw(key, noise):
        calls.append(key)
        return {"n": noise.counts([5], sensitivity=1, epsilon=noise.epsilon)[0]}

    questions = {"a": (owner.pk, ("figure",)), "b": (other.pk, ("figure",))}
    with CaptureQueriesContext(connection) as drawn:
        first = published(questions, draw)
    with CaptureQueriesContext(connection) as repeated:
        again = published(questions, draw)

    assert first == again == {"a": {"n": 5}, "b": {"n": 5}}
    assert calls == ["a", "b"] and (len(drawn), len(repeated)) == (2, 1)
    assert set(PublishedFigure.objects.values_list("epsilon", flat=True)) == {2.0}
    assert spent_today(owner) == 0 and published({}, draw) == {}


def test_a_published_figure_goes_with_its_member(owner):
    published({"a": (owner.pk, ("figure",))}, lambda key, noise: {"n": 1})
    owner.delete()
    assert not PublishedFigure.objects.exists()


def test_signed_counts_keep_their_sign_and_plain_counts_stop_at_zero():
    noise = Draw(2.0, delta=1e-6, using=ShiftSampler(-3))
    assert noise.counts([1], sensitivity=1, epsilon=1.0) == [0]
    assert noise.counts([1], sensitivity=2, epsilon=1.0, signed=True) == [-2]
