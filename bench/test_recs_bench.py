"""How fast recommendations are on the full graph: `make bench`.

On the graph of `bench/load.py` (100,000 people, 2,000,000 friendship rows), the listings of
`bench/load_market.py` and the reviews, purchases, votes and consents of `bench/load_recs.py`
(1,000,000 reviews, 1,000,000 purchases):

(d) `social_search(viewer, q)` for the shopper (500 friends): the funnel, the trust-ranked reviews
    and the nearby listings, for ten queries in turn; p95 under `BENCH_SEARCH_TARGET_MS` (100),
    and the same number of queries for the network's part as for a viewer with 10 friends. The
    shopper's gated network is kept between searches, as it is for anyone searching twice; a
    first search, which reads it, is measured too (reported, no target);
(e) a full influence run (`influence_run()`: read the consented graph and expertise, compute,
    write every score) under `BENCH_INFLUENCE_TARGET_S` (60); and, on the same consented graph
    in memory, NetworkX's PageRank as the baseline: building its graph and ranking, against
    building our matrices and computing every score. Ours must be at least 20 times faster;
(f) an incremental run after one new review (the review saved through the ORM, so its change is
    noted as in production), under `BENCH_INCREMENTAL_TARGET_S` (2), five times.

Every run happens inside the test's transaction and is rolled back: the benchmark database keeps
its loaded rows. Results go to `bench/results/recommendations.json` and a table to the terminal.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from scipy import sparse

from accounts.models import User
from bench import figures
from bench.load import vacuumed
from bench.load_market import ensure_market_loaded
from bench.load_recs import Recs, ensure_recs_loaded
from bench.timing import machine, measure, queries_of
from marketplace.models import ProductModel, Purchase, Review
from recommendations import influence
from recommendations.models import InfluenceRun
from recommendations.social_search import social_search
from recommendations.social_search.network import gated_network_key, kept_networks

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

SEARCH_TARGET_MS = float(os.environ.get("BENCH_SEARCH_TARGET_MS", "100"))
INFLUENCE_TARGET_S = float(os.environ.get("BENCH_INFLUENCE_TARGET_S", "60"))
INCREMENTAL_TARGET_S = float(os.environ.get("BENCH_INCREMENTAL_TARGET_S", "2"))
SPEEDUP_TARGET = 20
QUERIES = (
    "bike",
    "camera",
    "Trek",
    "laptop",
    "stroller",
    "sofa",
    "phone",
    "guitar",
    "tent",
    "Sony",
)
RESULTS = Path(__file__).resolve().parent / "results"

_results: dict[str, dict] = {}


@pytest.fixture(scope="module")
def recs(bench_graph, django_db_blocker) -> Iterator[Recs]:
    force = os.environ.get("BENCH_RELOAD") == "1"
    with django_db_blocker.unblock():
        ensure_market_loaded(bench_graph.size.people, force=force)
        loaded = ensure_recs_loaded(bench_graph.size.people, force=force)
        vacuumed()
        machine_ = machine()
    print(
        f"{loaded.reviews:,} reviews and {loaded.purchases:,} purchases "
        + ("already loaded, reused" if loaded.reused else f"loaded in {loaded.load_seconds:.1f} s")
    )
    yield loaded
    RESULTS.mkdir(exist_ok=True)
    summary = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_,
        "data": {
            "people": bench_graph.size.people,
            "friendship_rows": 2 * bench_graph.size.friendships,
            "reviews": loaded.reviews,
            "purchases": loaded.purchases,
        },
        "results": _results,
    }
    (RESULTS / "recommendations.json").write_text(json.dumps(summary, indent=2) + "\n")
    print_table(summary)


def print_table(summary: dict) -> None:
    data, machine_ = summary["data"], summary["machine"]
    print(
        f"\n\nRecommendations benchmark: {data['people']:,} people, {data['friendship_rows']:,}"
        f" friendship rows, {data['reviews']:,} reviews, {data['purchases']:,} purchases"
    )
    print(
        f"{machine_['cpus']} CPUs, {machine_['ram_gib']} GiB RAM, "
        f"{machine_['postgresql'].split(' on ')[0]}, load average at start "
        f"{machine_['load_average']}"
    )
    for name, result in summary["results"].items():
        figures = ", ".join(f"{key} {value}" for key, value in result.items())
        print(f"{name}: {figures}")
    print(f"written to {RESULTS / 'recommendations.json'}\n")


def viewer(pk: int) -> User:
    return User.objects.select_related("profile").get(pk=pk)


def small_viewer_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.user_id FROM social_friendship AS f "
            "JOIN accounts_profile AS p ON p.user_id = f.user_id AND p.home_latitude IS NOT NULL "
            "GROUP BY f.user_id HAVING count(*) = 10 ORDER BY f.user_id LIMIT 1"
        )
        return cursor.fetchone()[0]


def shown(result) -> int:
    """Touch what the search page shows, as the template does."""
    names = 0
    if result.funnel:
        for step in result.funnel.steps:
            names += len([person.display_name for person in step.who])
    for item in result.reviews:
        _ = (item.review.author.display_name, item.review.product_model.brand.name, item.reasons)
    if result.listings:
        for listing in result.listings.results:
            _ = (listing.title, listing.price, listing.friends_reviewed, listing.cover)
    return names


def test_d_social_search_for_a_shopper_with_500_friends(recs):
    shopper, small = viewer(recs.shopper_id), viewer(small_viewer_id())
    assert shopper.friend_links.count() == 500
    first = social_search(shopper, "bike")
    assert first.funnel is not None and first.funnel.steps[0].friends > 0
    assert first.reviews, "the shopper's network reviewed bikes"

    runs = [lambda q=q: shown(social_search(shopper, q)) for q in QUERIES]
    result = measure(runs)

    def first_search(q):
        # The member's first search of a session: their network is in no cache (neither the
        # shared one nor this process's memo, with its compiled queries); what every member's
        # searches share (the catalog's topics) is as warm as any other member left it.
        kept_networks.clear()
        cache.delete(gated_network_key(shopper))
        shown(social_search(shopper, q))

    first_searches = measure([lambda q=q: first_search(q) for q in QUERIES])
    first_searches.update(target_p95_ms=SEARCH_TARGET_MS)

    def count(person, q, **options) -> int:
        # The day's noisy counts are drawn and stored by the first search of the day; every later
        # search reads them in one query. Count a search of that later kind for everyone.
        shown(social_search(person, q, **options))
        cache.clear()  # the network read too, as in a first search
        return len(queries_of(lambda: shown(social_search(person, q, **options))))

    counts = {q: count(shopper, q) for q in QUERIES}
    result.update(queries_max=max(counts.values()), target_p95_ms=SEARCH_TARGET_MS)
    _results["(d) social_search, shopper with 500 friends"] = result
    _results["(d) the same, each a first search (the network read)"] = first_searches
    most = f"≤ {result['queries_max']}"
    figures.note_latency(
        "(d) social_search, shopper with 500 friends",
        result,
        queries=most,
        target=f"p95 < {figures.ms(SEARCH_TARGET_MS)}",
    )
    figures.note_latency(
        "(d) the same, each a first search (the network read)",
        first_searches,
        queries=most,
        target=f"p95 < {figures.ms(SEARCH_TARGET_MS)}",
    )

    # The network's part takes as many queries for 500 friends as for 10; the listings nearby
    # take one to three tries (circles of 5 and 20 km, then 50) by how many listings are near.
    network_part = {q: count(shopper, q, with_listings=False) for q in QUERIES}
    small_part = {q: count(small, q, with_listings=False) for q in QUERIES}
    assert network_part == small_part, "the number of queries depends on the size of the network"
    assert max(counts.values()) <= max(network_part.values()) + 5
    assert result["p95_ms"] < SEARCH_TARGET_MS
    assert first_searches["p95_ms"] < SEARCH_TARGET_MS


def _ours(rows: np.ndarray, people: np.ndarray, topics, expertise) -> float:
    started = time.perf_counter()
    source = np.searchsorted(people, rows[:, 0].astype(np.int64))
    target = np.searchsorted(people, rows[:, 1].astype(np.int64))
    ties = sparse.csr_matrix((rows[:, 2], (source, target)), shape=(len(people),) * 2)
    one, two = influence.reach(ties)
    influence.scores_of(people, topics, expertise, one, two)
    return time.perf_counter() - started


def _networkx(rows: np.ndarray) -> float:
    started = time.perf_counter()
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(rows.tolist())
    nx.pagerank(graph, weight="weight")
    return time.perf_counter() - started


def test_e_a_full_influence_run_and_networkx_pagerank_on_the_same_graph(recs):
    started = time.perf_counter()
    run = influence.influence_run()
    full_seconds = time.perf_counter() - started
    run.refresh_from_db()
    assert run.status == InfluenceRun.Status.SUCCEEDED and run.people > 0

    graph = influence.load_graph()
    coo = graph.ties.tocoo()
    rows = np.column_stack((graph.people[coo.row], graph.people[coo.col], coo.data))
    ours = statistics.median(
        _ours(rows, graph.people, graph.topics, graph.expertise) for _ in range(3)
    )
    baseline = _networkx(rows)
    speedup = baseline / ours
    _results["(e) full influence run"] = {
        "seconds": round(full_seconds, 2),
        "people": run.people,
        "edges": run.edges,
        "scores": run.scores.count(),
        "target_s": INFLUENCE_TARGET_S,
    }
    _results["(e) computation vs NetworkX PageRank, same graph in memory"] = {
        "ours_s": round(ours, 3),
        "networkx_s": round(baseline, 2),
        "speedup": round(speedup, 1),
        "full_run_vs_networkx": round(baseline / full_seconds, 2),
        "target_speedup": SPEEDUP_TARGET,
    }
    figures.note(
        "(e) full influence run",
        p50=f"{figures.seconds(round(full_seconds, 2))} (one run)",
        target=f"< {figures.seconds(INFLUENCE_TARGET_S)}",
    )
    figures.note(
        "(e) computation vs NetworkX PageRank, same graph in memory",
        p50=f"{figures.seconds(round(ours, 3))} vs {figures.seconds(round(baseline, 2))}: "
        f"{speedup:.0f}×",
        target=f"≥ {SPEEDUP_TARGET}×",
    )
    assert full_seconds < INFLUENCE_TARGET_S
    assert speedup >= SPEEDUP_TARGET


def test_f_an_incremental_run_after_one_new_review(recs):
    influence.influence_run()  # a graph pass first, as the nightly run leaves it
    reached = User.objects.filter(influence_reach__isnull=False).order_by("pk")
    author_ids = list(reached.values_list("pk", flat=True)[:5])
    product = ProductModel.objects.order_by("-pk").first()
    seconds, rescored = [], []
    for author_id in author_ids:
        Review.objects.filter(author_id=author_id, product_model=product).delete()
        Purchase.objects.filter(buyer_id=author_id, product_model=product).delete()
        influence.influence_run(kind=InfluenceRun.Kind.INCREMENTAL)  # the delete's own change
        bought = Purchase.objects.create(  # every review stands on a purchase
            buyer_id=author_id,
            product_model=product,
            category_id=product.category_id,
            purchased_on=timezone.localdate(),
        )
        Review.objects.create(
            author_id=author_id,
            product_model=product,
            purchase=bought,
            rating=5,
            title="Great",
            text="Great.",
        )
        started = time.perf_counter()
        run = influence.influence_run(kind=InfluenceRun.Kind.INCREMENTAL)
        seconds.append(time.perf_counter() - started)
        run.refresh_from_db()
        assert run.graph is False
        rescored.append(run.rescored)
    _results["(f) incremental run after one new review"] = {
        "p50_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
        "runs": len(seconds),
        "rescored_per_run": max(rescored),
        "target_s": INCREMENTAL_TARGET_S,
    }
    figures.note(
        "(f) incremental run after one new review",
        p50=figures.seconds(round(statistics.median(seconds), 3)),
        p95=f"max {figures.seconds(round(max(seconds), 3))}",
        target=f"< {figures.seconds(INCREMENTAL_TARGET_S)}",
    )
    assert max(seconds) < INCREMENTAL_TARGET_S
