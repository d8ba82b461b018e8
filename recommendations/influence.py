"""Second-degree influence: how far each consenting person's experience in a topic reaches
through one and two hops of the consented friendship graph.

The whole computation is sparse linear algebra over everyone at once (no loop over people):

- People: the active holders of the `influence` consent (`privacy.consent.holders`). Nobody else
  is scored, and nobody else is a node, so nobody else is a path.
- `W` (n × n): tie strengths of the friendships whose two ends both granted `influence` (blocked
  pairs left out). `P` is `W` with each row divided by its sum: the share of a person's attention
  that goes to each of their friends.
- `E` (n × topics): expertise per top-level category, from what each person shares with everyone
  their `influence` grant reaches (`recommendations.expertise`): reviews written whose audience
  covers that whole scope (not hidden), purchases (verified weighted above declared) when their
  `social_proof` grant covers it too, and helpful votes received on the reviews counted.
- Reach of person j: one hop `r1 = Pᵀ·1` (the attention j receives from friends), two hops
  `r2 = Pᵀ·r1 − diag(P²)` (the attention j receives from friends of friends; the paths j → i → j
  back to j are taken out, so nobody counts towards their own reach).
- Per person and topic: `one_hop = e · r1`, `two_hop = e · r2`,
  `score = e + ONE_HOP_WEIGHT · one_hop + TWO_HOP_WEIGHT · two_hop`.

Since reach depends on the graph alone, a score is `e × (1 + ONE_HOP_WEIGHT · r1 + TWO_HOP_WEIGHT ·
r2)` with the person's reach stored in `InfluenceReach`: after a review, a purchase or a vote, an
incremental run rescores only the people whose expertise changed; after a graph change it reads the
whole graph again (see `influence_run`).

A run writes its scores in one transaction (a run killed before its commit leaves the previous
scores exactly in place, and the changes it was consuming stay for the next run) and records itself
in `InfluenceRun`. Runs are serialised by a
PostgreSQL advisory lock held by the running connection; the lock dies with a killed worker's
connection, so the next run knows that any run still marked "running" was interrupted.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, Model, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from scipy import sparse

from accounts.models import User
from marketplace.models import Category, HelpfulVote, Purchase, Review
from privacy.consent import holders
from privacy.purposes import Purpose
from recommendations import influence_store
from recommendations.expertise import counted_purchases, counted_reviews, counted_votes
from recommendations.influence_store import Scores
from recommendations.models import InfluenceChange, InfluenceReach, InfluenceRun, InfluenceScore
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


# --- Loading -------------------------------------------------------------------------------


def _rows[R: tuple[Any, ...]](queryset: QuerySet[Model, R]) -> list[R]:
    """A values_list queryset's rows through the cursor, skipping model machinery."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[R] = cursor.fetchall()  # the rows iterating the query would give
        return rows


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


def _expertise_rows(
    people: Iterable[int], *, everything: bool = False
) -> list[tuple[int, int, float]]:
    """(person id, category id, weighted count) for what makes the expertise of `people`: what
    each shares with everyone their `influence` grant reaches (`recommendations.expertise`), or
    with `everything`, all of it (for a person's own eyes only)."""
    reviews: QuerySet[Review]
    purchases: QuerySet[Purchase]
    votes: QuerySet[HelpfulVote]
    if everything:
        reviews = Review.objects.filter(hidden=False, author_id__in=people)
        purchases = Purchase.objects.filter(buyer_id__in=people)
        votes = HelpfulVote.objects.filter(review__in=reviews.values("pk"))
    else:
        reviews = counted_reviews(people)
        purchases = counted_purchases(people)
        votes = counted_votes(people)
    review_counts = (
        reviews.annotate(topic=Coalesce("product_model__category_id", "category_id"))
        .values_list("author_id", "topic")
        .annotate(n=Count("id"))
        .order_by()
    )
    purchase_counts = (
        purchases.values_list("buyer_id", "category_id", "verified")
        .annotate(n=Count("id"))
        .order_by()
    )
    vote_counts = (
        votes.annotate(topic=Coalesce("review__product_model__category_id", "review__category_id"))
        .values_list("review__author_id", "topic")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [(p, c, REVIEW_WEIGHT * n) for p, c, n in _rows(review_counts)]
    rows += [
        (p, c, (VERIFIED_PURCHASE_WEIGHT if verified else DECLARED_PURCHASE_WEIGHT) * n)
        for p, c, verified, n in _rows(purchase_counts)
    ]
    rows += [(p, c, HELPFUL_VOTE_WEIGHT * n) for p, c, n in _rows(vote_counts)]
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
    topics, expertise = expertise_matrix(people, consenting)
    return Graph(people=people, topics=topics, ties=ties, expertise=expertise)


def expertise_matrix(
    people: np.ndarray, among: Iterable[int]
) -> tuple[np.ndarray, sparse.csr_matrix]:
    """(top-level category ids, E): the expertise of `people` (sorted ids; `among` is the same
    set as a queryset or list, for the SQL) per top-level category."""
    topics, column = _top_level()
    made = np.array(_expertise_rows(among), dtype=np.float64).reshape(-1, 3)
    rows = np.searchsorted(people, made[:, 0].astype(np.int64))
    columns = column[made[:, 1].astype(np.int64)] if len(made) else np.zeros(0, dtype=np.int64)
    expertise = sparse.csr_matrix(
        (made[:, 2], (rows, columns)), shape=(len(people), len(topics))
    )  # duplicates (reviews, purchases, votes in one topic) are summed
    return topics, expertise


@dataclass
class OwnTopic:
    """One topic of a person's own influence page: all of their experience in it (for their eyes
    only), and the score others may see from the last run (None: nobody sees one)."""

    category: Category
    everything: float
    score: InfluenceScore | None


def own_topics(person: User) -> list[OwnTopic]:
    """For `person`'s own page alone: every top-level topic where they have experience or a
    score, with all of their experience (whatever they share) beside the stored score, which
    counts only what they share with everyone their `influence` grant reaches. Highest score
    first, then most experience. A fixed number of queries."""
    topics, column = _top_level()
    everything: dict[int, float] = {}
    for _, category, weight in _expertise_rows([person.pk], everything=True):
        topic = int(topics[column[category]])
        everything[topic] = everything.get(topic, 0.0) + weight
    scores = {
        score.category_id: score
        for score in InfluenceScore.objects.filter(person_id=person.pk).select_related("category")
    }
    categories = {score.category_id: score.category for score in scores.values()}
    missing = set(everything) - set(categories)
    categories |= Category.objects.in_bulk(missing) if missing else {}
    rows = [
        OwnTopic(categories[pk], everything.get(pk, 0.0), scores.get(pk))
        for pk in set(everything) | set(scores)
    ]
    rows.sort(
        key=lambda row: (
            -(row.score.score if row.score else 0.0),
            -row.everything,
            row.category.name,
        )
    )
    return rows


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
    return scores_of(graph.people, graph.topics, graph.expertise, one, two)


def scores_of(
    people: np.ndarray,
    topics: np.ndarray,
    expertise: sparse.csr_matrix,
    one: np.ndarray,
    two: np.ndarray,
) -> Scores:
    """The scores of `people` (row i of the expertise matrix and of the reach vectors is
    person `people[i]`) for every topic where they have expertise."""
    made = expertise.tocoo()
    rows, columns, expertise = made.row, made.col, made.data
    keep = expertise > 0
    rows, columns, expertise = rows[keep], columns[keep], expertise[keep]
    one_hop = expertise * one[rows]
    two_hop = expertise * two[rows]
    return Scores(
        person=people[rows],
        category=topics[columns],
        expertise=expertise,
        one_hop=one_hop,
        two_hop=two_hop,
        score=expertise + ONE_HOP_WEIGHT * one_hop + TWO_HOP_WEIGHT * two_hop,
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


# --- Running -------------------------------------------------------------------------------


def _graph_pass(run: InfluenceRun, changes: QuerySet[InfluenceChange]) -> None:
    """Everyone's reach and scores from the whole graph: a full run, or an incremental one after
    the graph changed (which writes only the scores that differ)."""
    graph = load_graph()
    one, two = reach(graph.ties)
    scores = scores_of(graph.people, graph.topics, graph.expertise, one, two)
    with transaction.atomic():
        if run.kind == InfluenceRun.Kind.FULL:
            influence_store.replace_all(scores, run)
        else:
            influence_store.apply_changes(scores, run)
        influence_store.replace_reach(graph.people, one, two, run)
        changes.delete()
        _pause_inside_transaction()
    run.people = run.rescored = len(graph.people)
    run.edges = graph.ties.nnz


def _expertise_pass(
    run: InfluenceRun, changes: QuerySet[InfluenceChange], changed_people: set[int]
) -> bool:
    """Rescore only the people whose expertise changed, from their stored reach. False (nothing
    written) when one of them has no stored reach: the graph pass must run instead."""
    consenting = set(holders(Purpose.INFLUENCE).filter(user_id__in=changed_people))
    stored = {
        person: (one, two)
        for person, one, two in InfluenceReach.objects.filter(person_id__in=consenting).values_list(
            "person_id", "one_hop", "two_hop"
        )
    }
    if set(stored) != consenting:
        return False
    people = np.array(sorted(consenting), dtype=np.int64)
    one = np.array([stored[p][0] for p in people.tolist()], dtype=np.float64)
    two = np.array([stored[p][1] for p in people.tolist()], dtype=np.float64)
    topics, expertise = expertise_matrix(people, people.tolist())
    scores = scores_of(people, topics, expertise, one, two)
    with transaction.atomic():
        # People who withdrew or left lose their rows; the others get theirs rewritten.
        influence_store.replace_people(scores, run, changed_people)
        changes.delete()
        _pause_inside_transaction()
    last_graph = InfluenceReach.objects.values_list("run__edges", flat=True).first()
    run.people = InfluenceReach.objects.count()
    run.edges = last_graph or 0
    run.rescored = len(people)
    return True


def influence_run(*, kind: str = InfluenceRun.Kind.FULL) -> InfluenceRun:
    """Compute the scores and write them in one transaction; record the run.

    A full run reads the whole graph and rewrites every row. An incremental run reads the
    changes noted since the last run (`InfluenceChange`): when only some people's expertise
    changed it rescores those people from their stored reach (milliseconds); when the graph
    changed it reads the whole graph and writes only the rows that differ. Either way the
    resulting table is the one a full run would write. Raises whatever the computation raised,
    after recording the run as failed."""
    with _one_run_at_a_time():
        fail_interrupted_runs()
        upto = InfluenceChange.objects.aggregate(last=Max("pk"))["last"] or 0
        changes = InfluenceChange.objects.filter(pk__lte=upto)
        graph_pass = (
            kind == InfluenceRun.Kind.FULL
            or changes.filter(graph=True).exists()
            or not InfluenceReach.objects.exists()
        )
        run = InfluenceRun.objects.create(kind=kind, graph=graph_pass)
        started = time.monotonic()
        try:
            if not graph_pass:
                # Without a graph change, every change names a person (`changed`).
                people = changes.values_list("person", flat=True)
                changed_people = {pk for pk in people if pk is not None}
                if not _expertise_pass(run, changes, changed_people):
                    run.graph = True
                    _graph_pass(run, changes)
            else:
                _graph_pass(run, changes)
        except Exception as exc:
            run.status = InfluenceRun.Status.FAILED
            run.error = f"{type(exc).__name__}: {exc}"[:500]
            run.finished_at = timezone.now()
            run.duration_seconds = time.monotonic() - started
            run.save(update_fields=["status", "error", "finished_at", "duration_seconds"])
            raise
        run.status = InfluenceRun.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.duration_seconds = time.monotonic() - started
        run.save(
            update_fields=[
                "status",
                "graph",
                "people",
                "edges",
                "rescored",
                "finished_at",
                "duration_seconds",
            ]
        )
        return run
