"""A real Celery worker for the tests that must cross the process boundary.

Most tests run tasks eagerly, in process. A test that needs to know what a worker really sees
(committed rows only, JSON-serialised arguments, results through the result backend) asks for the
`celery_worker` fixture and carries the `worker` mark:

    @pytest.mark.worker
    def test_a_run_is_recorded(celery_worker, owner):
        result = influence_run.delay()
        assert result.get(timeout=celery_worker.timeout) == ...

What the fixture gives:

- One worker process per test session (`celery -A config worker --pool=solo`), started on first
  use against the suite's Redis and the suite's PostgreSQL *test* database (pytest-django's
  `test_<name>`), and stopped at the end of the session. Its output is kept in a log file whose
  path is `celery_worker.log`; it is shown when the worker fails to start.
- For the test itself: `transactional_db` (rows are committed, so the worker can see them) and
  eager mode switched off in this process, so `.delay()` goes through the broker.
- The worker is another process: `settings` overrides, mocks and monkeypatches made in the test
  do not reach it.

It needs PostgreSQL and Redis (tests.services exports them when they answer). Without them the
test is skipped, saying why; with REQUIRE_SERVICES=1 (CI) it fails instead.

The worker also imports this module (`--include tests.worker`), so the small tasks below, which
report what the worker sees, exist there without being part of the application.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import shared_task

from tests.processes import stop

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class WorkerProcess:
    """A running worker: its node name, its process, its log, and how long to wait on it."""

    nodename: str
    process: subprocess.Popen
    log: Path
    database_name: str
    timeout: float = 15.0

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# --- Tasks the worker runs for the tests ---------------------------------------------------------


@shared_task(name="tests.database_name")
def database_name() -> str:
    """The name of the database the worker is connected to."""
    from django.db import connection

    return connection.settings_dict["NAME"]


@shared_task(name="tests.user_emails")
def user_emails() -> list[str]:
    """Every account's email, as the worker reads them."""
    from accounts.models import User

    return sorted(User.objects.values_list("email", flat=True))


# --- Starting and stopping ---------------------------------------------------------------------


def services_missing(settings) -> str | None:
    """Why a worker cannot run against this test run's backends, or None when it can."""
    if not settings.REDIS_URL:
        return 'no Redis: REDIS_URL is not set (run `eval "$(python -m tests.services)"`)'
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "no PostgreSQL: the worker cannot share an SQLite test database"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {settings.REDIS_URL} does not answer: {exc}"
    return None


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database described by a Django connection's settings."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def start_worker(
    *,
    app,
    settings_dict: dict,
    redis_url: str,
    log: Path,
    queues: str = "celery",
    purge: bool = True,
    env: dict[str, str] | None = None,
) -> WorkerProcess:
    """Start a worker on `queues` against the given database and Redis, with `env` added to its
    environment; wait until it answers. `purge=False` keeps what is on the queues (a task to
    be redelivered)."""
    nodename = f"tests-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(settings_dict),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        f"--hostname={nodename}",
        f"--queues={queues}",
        "--include=tests.worker",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    # Tasks left on the queue by an interrupted earlier run must not reach this worker.
    if purge:
        app.control.purge()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    worker = WorkerProcess(
        nodename=nodename, process=process, log=log, database_name=settings_dict["NAME"]
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the Celery worker exited with {process.returncode}:\n{worker.output()}"
            )
        if app.control.ping(destination=[nodename], timeout=0.5):
            return worker
    stop_worker(worker)
    raise RuntimeError(f"the Celery worker did not answer in {START_TIMEOUT}s:\n{worker.output()}")


def stop_worker(worker: WorkerProcess) -> None:
    """Warm shutdown (the current task finishes), then a kill if it does not stop in time."""
    stop(worker.process, timeout=STOP_TIMEOUT)


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """The session's worker, started on first use against the test database."""
    from django.conf import settings
    from django.db import connections

    from config.celery import app

    reason = services_missing(settings)
    if reason:
        message = f"a real Celery worker needs PostgreSQL and Redis: {reason}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)

    worker = start_worker(
        app=app,
        # After django_db_setup, the connection names the test database (`test_<name>`).
        settings_dict=connections["default"].settings_dict,
        redis_url=settings.REDIS_URL,
        log=tmp_path_factory.mktemp("celery-worker") / "worker.log",
    )
    yield worker
    stop_worker(worker)


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db, settings):
    """The running worker, with tasks sent through the broker and rows committed for it to see."""
    from config.celery import app

    if celery_worker_process.process.poll() is not None:
        pytest.fail(f"the Celery worker has exited:\n{celery_worker_process.output()}")
    # Read the eager flag before changing the setting: a Celery config not loaded yet would
    # otherwise read the changed setting, and the rest of the session would stay non-eager.
    eager = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = eager
