"""Second-degree influence: how far each consenting person's experience in a topic reaches
through one and two hops of the consented friendship graph.

The whole computation is sparse linear algebra over everyone at once (no loop over people):

- People: the active holders of the `influence` consent (`privacy.consent.holders`). Nobody else
  is scored, and nobody else is a node, so nobody else is a path.
- `W` (n × n): tie strengths of the friendships whose two ends both granted `influence` (blocked
  pairs left out). `P` is `W` with each row divided by its sum: the share of a person's attention
  that goes to each of their friends.
- `E` (n × topics): expertise per top-level category: reviews written (not hidden), purchases
  (verified weighted above declared) and helpful votes received on those reviews.
- Reach of person j: one hop `r1 = Pᵀ·1` (the attention j receives from friends), two hops
  `r2 = Pᵀ·r1 − diag(P²)` (the attention j receives from friends of friends; the paths j → i → j
  back to j are taken out, so nobody counts towards their own reach).
- Per person and topic: `one_hop = e · r1`, `two_hop = e · r2`,
  `score = e + ONE_HOP_WEIGHT · one_hop + TWO_HOP_WEIGHT · two_hop`.

A run replaces the scores in one transaction (a run killed before its commit leaves the previous
scores exactly in place) and records itself in `InfluenceRun`. Runs are serialised by a
PostgreSQL advisory lock held by the running connection; the lock dies with a killed worker's
connection, so the next run knows that any run still marked "running" was interrupted.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from scipy import sparse

from marketplace.models import Category, HelpfulVote, Purchase, Review
from privacy.consent import holders
from privacy.purposes import Purpose
from recommendations.models import InfluenceRun, InfluenceScore
from social.models import Block, Friendship

REVIEW_WEIGHT = 1.0
VERIFIED_PURCHASE_WEIGHT = 2.0
DECLARED_PURCHASE_WEIGHT = 1.0
HELPFUL_VOTE_WEIGHT = 0.5
ONE_HOP_WEIGHT = 1.0
TWO_HOP_WEIGHT = 0.5

RUN_LOCK_KEY = 7_236_001  # pg_advisory_lock key of influence runs
INTERRUPTED = "Interrupted: its worker stopped before the end."


@dataclass
class Graph:
    """The consented graph and expertise, indexed by position in `people` and `topics`."""

    people: np.ndarray  # sorted user ids
    topics: np.ndarray  # top-level category ids
    ties: sparse.csr_matrix  # W, n × n
    expertise: sparse.csr_matrix  # E, n × topics


@dataclass
class Scores:
    """One row per (person, topic) with some expertise, as parallel arrays."""

    person: np.ndarray
    category: np.ndarray
    expertise: np.ndarray
    one_hop: np.ndarray
    two_hop: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


# --- Loading -------------------------------------------------------------------------------


def _rows(queryset) -> list[tuple]:
    """A values_list queryset's rows through the cursor, skipping model machinery."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _top_level() -> tuple[np.ndarray, np.ndarray]:
    """Top-level category ids, and for every category id the column of its top-level one."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    roots = np.array(sorted(pk for pk, parent in parents.items() if parent is None), dtype=np.int64)
    column = np.full(max(parents, default=0) + 1, -1, dtype=np.int64)
    for pk in parents:  # the category tree, not people: a few hundred nodes
        node, seen = pk, 0
        while parents[node] is not None and seen < len(parents):
            node, seen = parents[node], seen + 1
        column[pk] = np.searchsorted(roots, node)
    return roots, column


def _expertise_rows(people) -> list[tuple[int, int, float]]:
    """(person id, category id, weighted count) for everything that makes expertise."""
    reviews = (
        Review.objects.filter(hidden=False, author_id__in=people)
        .values_list("author_id", "product_model__category_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    purchases = (
        Purchase.objects.filter(buyer_id__in=people)
        .values_list("buyer_id", "category_id", "verified")
        .annotate(n=Count("id"))
        .order_by()
    )
    votes = (
        HelpfulVote.objects.filter(review__hidden=False, review__author_id__in=people)
        .values_list("review__author_id", "review__product_model__category_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [(p, c, REVIEW_WEIGHT * n) for p, c, n in _rows(reviews)]
    rows += [
        (p, c, (VERIFIED_PURCHASE_WEIGHT if verified else DECLARED_PURCHASE_WEIGHT) * n)
        for p, c, verified, n in _rows(purchases)
    ]
    rows += [(p, c, HELPFUL_VOTE_WEIGHT * n) for p, c, n in _rows(votes)]
    return rows


def load_graph() -> Graph:
    """The consented graph and everyone's expertise, as sparse matrices."""
    consenting = holders(Purpose.INFLUENCE)
    people = np.array(sorted(consenting), dtype=np.int64)
    n = len(people)
    user, friend = OuterRef("user_id"), OuterRef("friend_id")
    edges = (
        Friendship.objects.filter(user_id__in=consenting, friend_id__in=consenting)
        .exclude(Exists(Block.objects.filter(blocker_id=user, blocked_id=friend)))
        .exclude(Exists(Block.objects.filter(blocker_id=friend, blocked_id=user)))
        .values_list("user_id", "friend_id", "tie_strength")
    )
    edge_rows = np.array(_rows(edges), dtype=np.float64).reshape(-1, 3)
    source = np.searchsorted(people, edge_rows[:, 0].astype(np.int64))
    target = np.searchsorted(people, edge_rows[:, 1].astype(np.int64))
    ties = sparse.csr_matrix((edge_rows[:, 2], (source, target)), shape=(n, n))

    topics, column = _top_level()
    made = np.array(_expertise_rows(consenting), dtype=np.float64).reshape(-1, 3)
    rows = np.searchsorted(people, made[:, 0].astype(np.int64))
    columns = column[made[:, 1].astype(np.int64)] if len(made) else np.zeros(0, dtype=np.int64)
    expertise = sparse.csr_matrix(
        (made[:, 2], (rows, columns)), shape=(n, len(topics))
    )  # duplicates (reviews, purchases, votes in one topic) are summed
    return Graph(people=people, topics=topics, ties=ties, expertise=expertise)


# --- Computing -----------------------------------------------------------------------------


def reach(ties: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """(one-hop, two-hop) reach of every person through the row-normalised tie matrix."""
    out = np.asarray(ties.sum(axis=1)).ravel()
    inverse = np.divide(1.0, out, out=np.zeros_like(out), where=out > 0)
    attention = sparse.diags(inverse) @ ties
    one = np.asarray(attention.sum(axis=0)).ravel()
    back_to_self = np.asarray(attention.multiply(attention.T).sum(axis=1)).ravel()
    two = attention.T @ one - back_to_self
    return one, np.clip(two, 0.0, None)  # clip: rounding may leave -1e-17


def compute(graph: Graph) -> Scores:
    """Scores for every (person, topic) with expertise, vectorised over everyone."""
    one, two = reach(graph.ties)
    made = graph.expertise.tocoo()
    rows, columns, expertise = made.row, made.col, made.data
    keep = expertise > 0
    rows, columns, expertise = rows[keep], columns[keep], expertise[keep]
    one_hop = expertise * one[rows]
    two_hop = expertise * two[rows]
    return Scores(
        person=graph.people[rows],
        category=graph.topics[columns],
        expertise=expertise,
        one_hop=one_hop,
        two_hop=two_hop,
        score=expertise + ONE_HOP_WEIGHT * one_hop + TWO_HOP_WEIGHT * two_hop,
    )


# --- Writing -------------------------------------------------------------------------------


def _score_objects(scores: Scores, run: InfluenceRun, only=None) -> Iterator[InfluenceScore]:
    indexes = range(len(scores)) if only is None else only
    for i in indexes:
        yield InfluenceScore(
            person_id=int(scores.person[i]),
            category_id=int(scores.category[i]),
            run=run,
            expertise=float(scores.expertise[i]),
            one_hop=float(scores.one_hop[i]),
            two_hop=float(scores.two_hop[i]),
            score=float(scores.score[i]),
        )


def _replace_all(scores: Scores, run: InfluenceRun) -> None:
    InfluenceScore.objects.all().delete()
    InfluenceScore.objects.bulk_create(_score_objects(scores, run), batch_size=5000)


def _apply_changes(scores: Scores, run: InfluenceRun) -> None:
    """Write only what differs from the stored table; the result is the same as `_replace_all`."""
    stored = {
        (person, category): (pk, values)
        for pk, person, category, *values in InfluenceScore.objects.values_list(
            "pk", "person_id", "category_id", "expertise", "one_hop", "two_hop", "score"
        )
    }
    fresh, changed = [], []
    new = zip(
        scores.person.tolist(),
        scores.category.tolist(),
        zip(
            scores.expertise.tolist(),
            scores.one_hop.tolist(),
            scores.two_hop.tolist(),
            scores.score.tolist(),
            strict=True,
        ),
        strict=True,
    )
    for i, (person, category, values) in enumerate(new):
        old = stored.pop((person, category), None)
        if old is None:
            fresh.append(i)
        elif not np.allclose(old[1], values, rtol=1e-12, atol=0.0):
            changed.append((old[0], i))
    InfluenceScore.objects.filter(pk__in=[pk for pk, _ in stored.values()]).delete()
    InfluenceScore.objects.filter(pk__in=[pk for pk, _ in changed]).delete()
    InfluenceScore.objects.bulk_create(
        _score_objects(scores, run, only=fresh + [i for _, i in changed]), batch_size=5000
    )


def _pause_inside_transaction() -> None:
    """Only for the crash test: hold the write transaction open so a worker can be killed in it."""
    seconds = float(getattr(settings, "INFLUENCE_TEST_PAUSE_SECONDS", 0) or 0)
    if seconds:
        from django.core.cache import cache

        cache.set("influence:test-paused", True, timeout=600)
        time.sleep(seconds)


@contextmanager
def _one_run_at_a_time() -> Iterator[None]:
    """A session advisory lock: the next run waits; a killed worker's lock goes with its
    connection. (SQLite runs in one process and needs none.)"""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [RUN_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK_KEY])


def fail_interrupted_runs() -> int:
    """Runs still marked running while no run holds the lock were interrupted: say so."""
    return InfluenceRun.objects.filter(status=InfluenceRun.Status.RUNNING).update(
        status=InfluenceRun.Status.FAILED, error=INTERRUPTED, finished_at=timezone.now()
    )


def influence_run(*, kind: str = InfluenceRun.Kind.FULL) -> InfluenceRun:
    """Compute every score and replace the table in one transaction; record the run.

    A full run rewrites every row; an incremental run writes only the rows that changed (same
    resulting table, far fewer writes after one new review). Raises whatever the computation
    raised, after recording the run as failed."""
    with _one_run_at_a_time():
        fail_interrupted_runs()
        run = InfluenceRun.objects.create(kind=kind)
        started = time.monotonic()
        try:
            graph = load_graph()
            scores = compute(graph)
            with transaction.atomic():
                if kind == InfluenceRun.Kind.FULL:
                    _replace_all(scores, run)
                else:
                    _apply_changes(scores, run)
                _pause_inside_transaction()
        except Exception as exc:
            run.status = InfluenceRun.Status.FAILED
            run.error = f"{type(exc).__name__}: {exc}"[:500]
            run.finished_at = timezone.now()
            run.duration_seconds = time.monotonic() - started
            run.save(update_fields=["status", "error", "finished_at", "duration_seconds"])
            raise
        run.status = InfluenceRun.Status.SUCCEEDED
        run.people = len(graph.people)
        run.edges = graph.ties.nnz
        run.finished_at = timezone.now()
        run.duration_seconds = time.monotonic() - started
        run.save(update_fields=["status", "people", "edges", "finished_at", "duration_seconds"])
        return run
