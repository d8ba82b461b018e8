"""`python -m tests.services`: it says which backends the suite uses, and refuses when told to.

Closed ports stand for services that are down: nothing listens on 127.0.0.1:1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLOSED_DATABASE = "postgres://postgres@127.0.0.1:1/bazaar"
CLOSED_REDIS = "redis://127.0.0.1:1/0"


def probe(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.services", *args],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def exports(stdout: str) -> dict[str, str]:
    pairs = [line.removeprefix("export ").split("=", 1) for line in stdout.splitlines()]
    return dict(pairs)


@pytest.fixture
def running_services() -> dict[str, str]:
    """TEST_* variables naming the PostgreSQL and Redis this test run itself uses."""
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql") or not (
        settings.REDIS_URL
    ):
        pytest.skip("this run uses the embedded default, so there are no services to find")
    database = os.environ["DATABASE_URL"]
    return {"TEST_DATABASE_URL": database, "TEST_REDIS_URL": settings.REDIS_URL}


def test_with_both_down_it_chooses_the_embedded_default_and_says_so():
    result = probe(TEST_DATABASE_URL=CLOSED_DATABASE, TEST_REDIS_URL=CLOSED_REDIS)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert lines[0] == "database: SQLite (embedded default; PostgreSQL did not answer)"
    assert lines[1] == "broker and cache: local memory (embedded default; Redis did not answer)"
    assert exports(result.stdout) == {"DJANGO_ENV": "test", "CELERY_TASK_ALWAYS_EAGER": "1"}


def test_with_both_up_it_chooses_postgresql_and_redis_and_says_so(running_services):
    result = probe(**running_services)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("database: PostgreSQL at postgres://")
    assert lines[1] == f"broker and cache: Redis at {running_services['TEST_REDIS_URL']}"
    chosen = exports(result.stdout)
    assert chosen["DATABASE_URL"] == running_services["TEST_DATABASE_URL"]
    assert chosen["REDIS_URL"] == running_services["TEST_REDIS_URL"]


@pytest.mark.parametrize("how", [("--require",), ()], ids=["flag", "environment"])
def test_when_required_a_closed_port_is_a_failure(how):
    env = {"TEST_DATABASE_URL": CLOSED_DATABASE, "TEST_REDIS_URL": CLOSED_REDIS}
    if not how:
        env["REQUIRE_SERVICES"] = "1"
    result = probe(*how, **env)
    assert result.returncode == 1
    assert result.stdout.strip() == "exit 1"
    assert f"PostgreSQL at {CLOSED_DATABASE} does not answer" in result.stderr
    assert f"Redis at {CLOSED_REDIS} does not answer" in result.stderr


def test_when_required_one_service_down_is_enough_to_fail(running_services):
    result = probe("--require", **{**running_services, "TEST_REDIS_URL": CLOSED_REDIS})
    assert result.returncode == 1
    assert "Redis at redis://127.0.0.1:1/0 does not answer" in result.stderr
    assert "PostgreSQL" not in result.stderr.split("REQUIRE_SERVICES=1:", 1)[1]


def test_when_required_and_up_it_exports_the_services(running_services):
    result = probe("--require", **running_services)
    assert result.returncode == 0, result.stderr
    assert exports(result.stdout)["REDIS_URL"] == running_services["TEST_REDIS_URL"]


def test_a_failed_requirement_stops_the_shell_that_evaluates_it():
    script = f'eval "$({sys.executable} -m tests.services --require)"; echo still running'
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TEST_DATABASE_URL": CLOSED_DATABASE},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "still running" not in result.stdout


def test_the_exports_are_shell_quoted_and_evaluate_to_the_urls(running_services):
    script = f'eval "$({sys.executable} -m tests.services)"; echo "$DATABASE_URL|$REDIS_URL"'
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **running_services},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout.strip() == (
        f"{running_services['TEST_DATABASE_URL']}|{running_services['TEST_REDIS_URL']}"
    )


def test_a_password_is_not_printed_on_the_human_lines():
    result = probe(
        TEST_DATABASE_URL="postgres://bazaar:hunter2@127.0.0.1:1/bazaar",
        TEST_REDIS_URL="redis://:hunter2@127.0.0.1:1/0",
        REQUIRE_SERVICES="1",
    )
    assert result.returncode == 1
    assert "hunter2" not in result.stderr
    assert "postgres://bazaar:***@127.0.0.1:1/bazaar" in result.stderr
