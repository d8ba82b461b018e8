"""Counts beyond named people, released with calibrated noise (differential privacy).

A count that includes people the viewer is not shown by name ("and about 10 friends of
friends", "about 15 people who bought this also bought…") could single one of them out: ask
before and after a friendship, a circle move or a puppet account, and the difference is one
person. A floor at k does not stop that; noise does. So every such count goes through here:

    answer = release(viewer, ("funnel", ...), lambda draw: {
        "bought": draw.counts([3], sensitivity=1, epsilon=draw.epsilon)[0],
    })
    answer.value["bought"]        # the noisy count, or answer.value is None (budget spent)

The rules:

1. Noise comes from OpenDP: the discrete Laplace mechanism on integer counts (`Draw.counts`),
   and, for a category, brand or product that appears only if enough people bought it, the
   Laplace threshold mechanism (noisy partition selection, `Draw.select`): a key whose noisy
   count does not pass the threshold is dropped, so no key ever appears from one person's row.
2. One release (one question, one viewer, one day) spends `PRIVACY_EPSILON_PER_RELEASE`; its
   parts share it. A viewer's releases of a day spend at most `PRIVACY_EPSILON_PER_DAY`; once it
   is spent, new questions get no count beyond named people until the next day
   (`Released.exhausted`), and the day's earlier answers are still repeated.
3. The same question from the same viewer on the same day gets the same answer: it is stored
   (`Release`), so asking again, reloading the page, or restarting every web process draws no
   new noise and spends nothing. The question is stored as a digest, never in words.
4. Shown as words (`about`), never as the raw draw: "fewer than 5", "about 10".
5. A figure about one member that everyone may see (a reputation from ratings) is drawn once a
   day for all viewers (`published`), spending `PRIVACY_EPSILON_PER_FIGURE` of that figure's
   own budget rather than any viewer's: a page of twenty sellers costs its viewer nothing.

The noise is drawn by a `Sampler`: OpenDP's by default; tests put a known one in its place
(`using_sampler`). See docs/privacy.md for the guarantee and docs/decisions/ for why.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from privacy.models import PrivacyBudget, PublishedFigure, Release

if TYPE_CHECKING:
    from opendp.mod import Measurement

type Answer = dict[str, Any]
"""What a release gives: JSON-able data, made with the release's noise only."""

FEWER_THAN = 5  # below this, a count is "fewer than 5": small counts are mostly noise anyway
BUDGET_TOLERANCE = 1e-9  # sums of floats: 0.1 + 0.2 must not overspend a budget of 0.3


class Sampler(Protocol):
    """Draws the noise. `laplace`: each count plus discrete Laplace noise of `scale`.
    `above_threshold`: the keys whose count plus discrete Laplace noise of `scale` reaches
    `threshold`, with their noisy counts."""

    def laplace(self, counts: Sequence[int], scale: float) -> list[int]: ...

    def above_threshold(
        self, counts: dict[str, int], scale: float, threshold: int
    ) -> dict[str, int]: ...


class OpenDPSampler:
    """OpenDP's measurements, each made once per scale (and threshold) and kept."""

    def __init__(self) -> None:
        import opendp.prelude as dp

        dp.enable_features("contrib")
        self.dp = dp

    @lru_cache(maxsize=64)  # noqa: B019 - one sampler for the process; a handful of scales
    def _laplace(self, scale: float) -> Measurement:
        dp = self.dp
        made: Measurement = dp.m.make_laplace(
            dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
        )
        return made

    @lru_cache(maxsize=64)  # noqa: B019
    def _threshold(self, scale: float, threshold: int) -> Measurement:
        dp = self.dp
        made: Measurement = dp.m.make_laplace_threshold(
            dp.map_domain(dp.atom_domain(T=str), dp.atom_domain(T=int)),
            dp.l01inf_distance(dp.absolute_distance(T=int)),
            scale=scale,
            threshold=threshold,
        )
        return made

    def laplace(self, counts: Sequence[int], scale: float) -> list[int]:
        if not counts:
            return []
        return list(self._laplace(float(scale))([int(c) for c in counts]))

    def above_threshold(
        self, counts: dict[str, int], scale: float, threshold: int
    ) -> dict[str, int]:
        if not counts:
            return {}
        return dict(self._threshold(float(scale), int(threshold))(dict(counts)))

    def delta_of(self, scale: float, threshold: int, contributions: int) -> float:
        """The δ of a threshold release where one person adds to `contributions` keys, at most
        one each: the chance that a key only they made up passes the threshold."""
        measurement = self._threshold(float(scale), int(threshold))
        # OpenDP does not annotate `Measurement.map`; it gives (ε, δ).
        return float(measurement.map((contributions, contributions, 1))[1])  # type: ignore[no-untyped-call]


_opendp: OpenDPSampler | None = None
_sampler: Sampler | None = None


def sampler() -> Sampler:
    """The sampler in use: OpenDP's, unless a test put another in its place."""
    global _opendp
    if _sampler is not None:
        return _sampler
    if _opendp is None:
        _opendp = OpenDPSampler()
    return _opendp


@contextmanager
def using_sampler(replacement: Sampler) -> Iterator[Sampler]:
    """Draw with `replacement` inside the block (tests: known noise, or none)."""
    global _sampler
    before, _sampler = _sampler, replacement
    try:
        yield replacement
    finally:
        _sampler = before


@lru_cache(maxsize=256)
def threshold_for(scale: float, contributions: int, delta: float) -> int:
    """The smallest threshold at which a key one person made up (adding at most 1 to each of
    `contributions` keys) passes with probability at most `delta`, by OpenDP's own privacy map.
    OpenDP's, whatever sampler draws: the threshold is part of the guarantee."""
    global _opendp
    if _opendp is None:
        _opendp = OpenDPSampler()
    low, high = 1, 2
    while _opendp.delta_of(scale, high, contributions) > delta:
        low, high = high, high * 2
    while low < high:
        middle = (low + high) // 2
        if _opendp.delta_of(scale, middle, contributions) > delta:
            low = middle + 1
        else:
            high = middle
    return high


class Overspent(Exception):
    """A release's parts asked for more ε than the release has: a bug in the caller."""


class Draw:
    """The noise of one release. Its parts (`counts`, `select`) share `epsilon`; each says how
    much of it it spends and how much one person can change what it counts."""

    def __init__(self, epsilon: float, *, delta: float, using: Sampler) -> None:
        self.epsilon = epsilon
        self.left = epsilon
        self.delta = delta
        self.sampler = using

    def _spend(self, epsilon: float) -> None:
        if epsilon <= 0:
            raise ValueError("A part of a release spends some ε.")
        if epsilon > self.left + BUDGET_TOLERANCE:
            raise Overspent(f"ε {epsilon:g} asked, {self.left:g} left in this release.")
        self.left -= epsilon

    def counts(
        self, true: Sequence[int], *, sensitivity: int, epsilon: float, signed: bool = False
    ) -> list[int]:
        """The counts with discrete Laplace noise, never below zero (unless `signed`: sums of
        values that may be negative). `sensitivity`: how much one person can change them all
        together (L1): 1 when each person is in one count."""
        self._spend(epsilon)
        noisy = self.sampler.laplace(list(true), sensitivity / epsilon)
        return [int(value) if signed else max(0, int(value)) for value in noisy]

    def select(
        self, true: Mapping[str, int], *, contributions: int, epsilon: float
    ) -> dict[str, int]:
        """Noisy partition selection: the keys (strings) whose noisy count passes the threshold
        for this release's δ, with their noisy counts. Each person must be counted under at most
        `contributions` keys, once each (the caller caps it)."""
        self._spend(epsilon)
        scale = contributions / epsilon
        threshold = threshold_for(scale, contributions, self.delta)
        kept = {str(key): int(n) for key, n in true.items() if n > 0}
        return self.sampler.above_threshold(kept, scale, threshold)


@dataclass(frozen=True)
class Released:
    """What a release gives: `value` as drawn (or repeated from earlier today), or None when
    the viewer's budget for the day was spent before this question (`exhausted`)."""

    value: Answer | None
    exhausted: bool = False
    repeated: bool = False


EXHAUSTED_SENTENCE = (
    "You have asked about many things today. To protect the people counted, counts beyond "
    "your friends come back tomorrow; today's earlier answers still show."
)


def question_key(question: Sequence[object]) -> str:
    """A digest of the question: the same question hashes the same, and its words are not kept."""
    text = json.dumps(list(question), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def today() -> datetime.date:
    """The day releases are kept for (a function, so a test can make it tomorrow)."""
    return timezone.localdate()


def release(viewer: User, question: Sequence[object], draw: Callable[[Draw], Answer]) -> Released:
    """The answer to `question` for `viewer` today: the stored one when it was asked before
    today; else `draw(Draw)` made now, stored, and paid for from the day's budget; else (budget
    spent) `Released(None, exhausted=True)`. `draw` returns JSON-able data, made with the
    `Draw`'s noise only (the caller's true counts must not leave through it).

    An answer is kept for the day whatever changes after it was drawn (a friendship, a circle, a
    withdrawal): what is repeated is the noisy answer, not anyone's data, and a new draw for
    every change would let anyone who can cause changes (their own accounts') spend the budget
    on differences. Named friends, read afresh every time, show changes at once."""
    day = today()
    key = question_key(question)
    stored = _stored(viewer.pk, day, key)
    if stored is not None:
        return Released(value=stored, repeated=True)
    epsilon = settings.PRIVACY_EPSILON_PER_RELEASE
    if not _spend(viewer.pk, day, epsilon):
        return Released(value=None, exhausted=True)
    value = draw(Draw(epsilon, delta=settings.PRIVACY_DELTA, using=sampler()))
    # The same question asked at the same moment (two tabs): each was drawn and paid for, so
    # showing both spends no more than the budget says; the first stored is repeated after.
    Release.objects.bulk_create(
        [Release(viewer_id=viewer.pk, day=day, question=key, answer=value, epsilon=epsilon)],
        ignore_conflicts=True,
    )
    return Released(value=value)


def published[K](
    questions: Mapping[K, tuple[int, Sequence[object]]], draw: Callable[[K, Draw], Answer]
) -> dict[K, Answer]:
    """Figures about members shown the same to every viewer today, by key: `questions` maps
    each key to (the member the figure is about, the question). The stored figure where it was
    drawn today; else `draw(key, Draw)` made now with `PRIVACY_EPSILON_PER_FIGURE` and stored.
    Two queries at most, whatever the number of figures.

    Unlike `release`, no viewer's budget pays: what one figure tells is the same for everyone
    and is drawn once a day, so asking from many accounts learns nothing more. What a member's
    data adds is bounded per figure and per day (docs/privacy.md, "Ratings after deals")."""
    if not questions:
        return {}
    day = today()
    keys = {key: (subject, question_key(q)) for key, (subject, q) in questions.items()}
    stored = {
        (subject, digest): answer
        for subject, digest, answer in PublishedFigure.objects.filter(
            day=day,
            subject_id__in={subject for subject, _ in keys.values()},
            question__in={digest for _, digest in keys.values()},
        ).values_list("subject_id", "question", "answer")
    }
    answers = {key: stored[pair] for key, pair in keys.items() if pair in stored}
    epsilon = settings.PRIVACY_EPSILON_PER_FIGURE
    made = {
        key: draw(key, Draw(epsilon, delta=settings.PRIVACY_DELTA, using=sampler()))
        for key in keys
        if key not in answers
    }
    if made:
        # Drawn at the same moment by two requests: each shows its own; the first stored is
        # repeated after (two draws of a day at most per figure in practice, as in `release`).
        PublishedFigure.objects.bulk_create(
            [
                PublishedFigure(
                    subject_id=keys[key][0],
                    day=day,
                    question=keys[key][1],
                    answer=value,
                    epsilon=epsilon,
                )
                for key, value in made.items()
            ],
            ignore_conflicts=True,
        )
    return answers | made


def _stored(viewer_id: int, day: datetime.date, key: str) -> Answer | None:
    answer: Answer | None = (
        Release.objects.filter(viewer_id=viewer_id, day=day, question=key)
        .values_list("answer", flat=True)
        .first()
    )
    return answer


def _spend(viewer_id: int, day: datetime.date, epsilon: float) -> bool:
    """Take `epsilon` from the viewer's budget of `day`, if that much is left. One conditional
    UPDATE, so two requests at once cannot both take the last of it."""
    limit = settings.PRIVACY_EPSILON_PER_DAY
    if epsilon > limit + BUDGET_TOLERANCE:
        return False
    budget = PrivacyBudget.objects.filter(viewer_id=viewer_id, day=day)
    enough_left = Q(spent__lte=limit - epsilon + BUDGET_TOLERANCE)
    if budget.filter(enough_left).update(spent=F("spent") + epsilon):
        return True
    if budget.exists():
        return False
    # The day's first question: make the day's budget (a concurrent first question may have
    # made it a moment ago; either way it exists now) and take from it.
    PrivacyBudget.objects.bulk_create(
        [PrivacyBudget(viewer_id=viewer_id, day=day, spent=0)], ignore_conflicts=True
    )
    return bool(budget.filter(enough_left).update(spent=F("spent") + epsilon))


def spent_today(viewer: User) -> float:
    """How much of today's budget `viewer` spent (for the privacy dashboard)."""
    row = PrivacyBudget.objects.filter(viewer_id=viewer.pk, day=today()).first()
    return row.spent if row is not None else 0.0


def about(count: int | None) -> str:
    """A noisy count in words: "fewer than 5", "about 10", "about 250". Rounded to a step that
    grows with the count, so the words do not pretend to more precision than the noise has."""
    if count is None:
        return ""
    if count < FEWER_THAN:
        return f"fewer than {FEWER_THAN}"
    step = 5 if count < 100 else 10 if count < 1000 else 100
    return f"about {max(FEWER_THAN, step * round(count / step))}"


def purge_before(day: datetime.date) -> int:
    """Delete the releases, budgets and published figures of days before `day`: a repeated
    answer is only promised for the day it was given. Returns how many releases went."""
    deleted, _ = Release.objects.filter(day__lt=day).delete()
    PrivacyBudget.objects.filter(day__lt=day).delete()
    PublishedFigure.objects.filter(day__lt=day).delete()
    return deleted
