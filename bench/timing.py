"""What every benchmark measures the same way: latency percentiles, queries, plans."""

from __future__ import annotations

import itertools
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import django
from django.db import connection
from django.test.utils import CaptureQueriesContext

WARMUP = int(os.environ.get("BENCH_WARMUP", "20"))
REPETITIONS = int(os.environ.get("BENCH_REPETITIONS", "200"))


def measure(runs: Callable | Sequence[Callable]) -> dict:
    """p50 / p95 / mean / max in milliseconds of `runs` (one callable, or several taken in
    turn so caches don't flatter one input), after a warm-up."""
    cycle = itertools.cycle([runs] if callable(runs) else list(runs))
    for _ in range(WARMUP):
        next(cycle)()
    samples = []
    for _ in range(REPETITIONS):
        run = next(cycle)
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "mean_ms": round(statistics.fmean(samples), 2),
        "max_ms": round(max(samples), 2),
        "repetitions": REPETITIONS,
    }


def queries_of(run: Callable) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        run()
    return [query["sql"] for query in captured.captured_queries]


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version(), current_setting('shared_buffers'), current_setting('work_mem')"
        )
        version, shared_buffers, work_mem = cursor.fetchone()
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    return {
        "cpus": os.cpu_count(),
        "ram_gib": round(int(memory) / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": version,
        "shared_buffers": shared_buffers,
        "work_mem": work_mem,
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }
