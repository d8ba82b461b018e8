"""The benchmark's own database, loaded once and kept.

The benchmark runs in a database of its own (`<name>_bench`, e.g. `bazaar_bench` for
`DATABASE_URL=.../bazaar`, or the name itself when it already ends in `_bench`), never in the test
suite's: the suite's tests would otherwise see 100,000 strangers. `--reuse-db` (in `make bench`)
keeps it between runs, so the graph is built once; `BENCH_RELOAD=1` builds it again.
"""

from __future__ import annotations

import os

import pytest

from bench import figures
from bench.load import Graph, Size, ensure_loaded, vacuumed
from bench.timing import machine
from config.runtime import freeze_loaded_heap


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = database["NAME"]
    database.setdefault("TEST", {})["NAME"] = name if name.endswith("_bench") else f"{name}_bench"


@pytest.fixture(scope="session")
def bench_graph(django_db_setup, django_db_blocker) -> Graph:
    """The full-size graph, committed (outside any test transaction) and vacuumed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("The benchmark needs PostgreSQL: run it with `make bench`.")
    size = Size.from_env()
    force = os.environ.get("BENCH_RELOAD") == "1"
    with django_db_blocker.unblock():
        print(f"\nbenchmark database {connection.settings_dict['NAME']}: {size}")
        graph = ensure_loaded(size, force=force)
        vacuumed()
        figures.MACHINE.update(machine())
    freeze_loaded_heap()  # as the web entry points do once the application is loaded
    if graph.reused:
        print("graph already loaded, reused (BENCH_RELOAD=1 to build it again)")
    else:
        print(f"graph loaded in {graph.load_seconds:.1f} s")
    return graph


def pytest_sessionfinish(session, exitstatus) -> None:
    """Write the rows this run measured into docs/benchmarks.md, keeping the others."""
    if figures.ROWS:
        figures.write(figures.ROWS, figures.MACHINE)
        print(f"\nfigures written to {figures.TABLE}")
