"""The HTTP load run: gunicorn on 127.0.0.1 serving the benchmark's data, driven by locust.

In one run, the same gunicorn (3 workers, as in the stack) serves two loads in turn, each to
`MEMBERS` benchmark members signed in with a session of their own (`BENCH_HTTP_USERS` browsers at
once, no think time, `BENCH_HTTP_SECONDS` each after a warm-up):

- the minimal signed-in page (bench/http_urls.py): session, member, middleware, a template and
  nothing else; its requests per second are the framework's own limit on this machine;
- the everyday mix (bench/locustfile.py): home, feed, market search, a listing page, the social
  search "bike" and notifications.

Target: the mix reaches at least half the limit's requests per second, at p95 under 150 ms, with
no error. Both figures and their ratio go to docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from accounts.models import User
from bench import figures
from bench.load import vacuumed
from bench.load_market import ensure_market_loaded
from bench.load_recs import ensure_recs_loaded
from marketplace.models import Listing
from tests.processes import answers, free_port, stop, wait_until
from tests.worker import database_url

pytestmark = [pytest.mark.bench, pytest.mark.django_db]  # the database is set up for it

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = 300
USERS = int(os.environ.get("BENCH_HTTP_USERS", "16"))
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "30"))
WARMUP_SECONDS = 10
WORKERS = 3
WORDS = ["bike", "sofa", "guitar", "tent", "laptop", "stroller", "phone"]


@pytest.fixture(scope="module")
def plan(bench_graph, django_db_blocker, tmp_path_factory):
    """Active members with a home and friends, a session each; listings anyone may open."""
    with django_db_blocker.unblock():
        ensure_market_loaded(bench_graph.size.people)
        ensure_recs_loaded(bench_graph.size.people)
        vacuumed()
        rng = random.Random(18)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.user_id FROM accounts_profile AS p "
                "JOIN accounts_user AS u ON u.id = p.user_id AND u.is_active "
                "WHERE p.home_latitude IS NOT NULL AND EXISTS "
                "(SELECT 1 FROM social_friendship AS f WHERE f.user_id = p.user_id) "
                "ORDER BY p.user_id"
            )
            candidates = [row[0] for row in cursor.fetchall()]
        chosen = rng.sample(candidates, min(MEMBERS, len(candidates)))
        public = list(
            Listing.objects.filter(audience="public", status="active")
            .order_by("?")
            .values_list("pk", flat=True)[:500]
        )
        sessions, members = [], []
        for user in User.objects.filter(pk__in=chosen):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions.append(store.session_key)
            # The listings this member may open (a seller may have blocked them).
            openable = Listing.objects.openable_by(user).filter(pk__in=public)
            members.append(
                {
                    "session": store.session_key,
                    "listings": list(openable.values_list("pk", flat=True)),
                }
            )
    path = tmp_path_factory.mktemp("http-load") / "plan.json"
    path.write_text(json.dumps({"members": members, "listings": public, "words": WORDS}))
    yield path
    with django_db_blocker.unblock():
        SessionStore.get_model_class().objects.filter(session_key__in=sessions).delete()


@pytest.fixture(scope="module")
def server(plan, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "DJANGO_ENV": "test",
        "DEBUG": "0",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "WRITE_RATE_LIMIT": "100000/min",
    }
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [gunicorn, "config.wsgi", f"--workers={WORKERS}", f"--bind=127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    address = f"http://127.0.0.1:{port}"
    try:
        wait_until(answers(f"{address}/healthz"), process, what="gunicorn", log=log, timeout=60)
        yield address
    finally:
        stop(process, timeout=20)


def locust(server: str, plan: Path, user_class: str, seconds: int, out: Path) -> dict:
    """One headless locust run; its aggregated and per-page figures."""
    prefix = out / user_class
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--only-summary", f"--users={USERS}", f"--spawn-rate={USERS}",
        f"--run-time={seconds}s", f"--host={server}", f"--csv={prefix}", "--loglevel=WARNING",
        user_class,
    ]  # fmt: skip
    subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "BENCH_HTTP_PLAN": str(plan)},
        timeout=seconds + 60,
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    with open(f"{prefix}_failures.csv", newline="") as failures:
        for failure in csv.DictReader(failures):
            print(f"{user_class} failure: {failure}")
    return rows


def note(name: str, row: dict, target: str, *, rate: str = "") -> None:
    """The table's row for one line of locust's figures."""
    figures.note(
        name,
        p50=figures.ms(float(row["50%"])),
        p95=figures.ms(float(row["95%"])),
        rate=rate or f"{float(row['Requests/s']):.0f}",
        target=target,
    )


def test_the_everyday_mix_reaches_half_the_frameworks_limit(server, plan, tmp_path):
    # Warm-up: every worker loads its caches, the database its pages.
    locust(server, plan, "Member", WARMUP_SECONDS, tmp_path)
    limit = locust(server, plan, "MinimalMember", SECONDS, tmp_path)["Aggregated"]
    pages = locust(server, plan, "Member", SECONDS, tmp_path)
    mix = pages["Aggregated"]

    limit_rate, mix_rate = float(limit["Requests/s"]), float(mix["Requests/s"])
    ratio = mix_rate / limit_rate
    p95 = float(mix["95%"])
    print(f"\nminimal signed-in page: {limit_rate:.0f} req/s, p95 {limit['95%']} ms")
    for name, row in pages.items():
        print(
            f"{name}: {float(row['Requests/s']):.1f} req/s, p50 {row['50%']} ms, "
            f"p95 {row['95%']} ms, {row['Failure Count']} failures"
        )
    print(f"ratio {ratio:.2f}")

    who = f"{USERS} browsers, {MEMBERS} members, gunicorn {WORKERS} workers"
    note(
        f"HTTP: minimal signed-in page, the framework's limit ({who})",
        limit,
        "none (the reference)",
    )
    note(
        f"HTTP: everyday mix, home/feed/search/listing/social search/notifications ({who})",
        mix,
        "≥ 50% of the limit, p95 < 150 ms, 0 errors",
        rate=f"{mix_rate:.0f} ({ratio:.0%} of the limit)",
    )
    for name, row in pages.items():
        if name != "Aggregated":
            note(f"HTTP: {name} in the mix", row, "none")
    assert int(limit["Failure Count"]) == 0 and int(mix["Failure Count"]) == 0
    assert ratio >= 0.5, f"the mix reaches {ratio:.0%} of the minimal page's rate"
    assert p95 < 150
