"""Flower as docker-compose.yml runs it: `celery -A config flower`, its credentials only in
FLOWER_BASIC_AUTH. Every page and API answer asks for them; the health check does not.

It needs the suite's Redis (the broker Flower watches): without it the test is skipped, with
REQUIRE_SERVICES=1 it fails.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import processes
from tests.processes import answers, free_port, stop, wait_until

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 20.0
CREDENTIALS = "ops:correct-horse"


def status_of(url: str, credentials: str | None = None) -> int:
    headers = {}
    if credentials is not None:
        token = base64.b64encode(credentials.encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    return processes.status_of(url, headers=headers)


@pytest.fixture
def flower(settings, tmp_path) -> Iterator[str]:
    if not settings.REDIS_URL:
        message = (
            'Flower needs Redis: REDIS_URL is not set (run `eval "$(python -m tests.services)"`)'
        )
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "REDIS_URL": settings.REDIS_URL,
        "FLOWER_BASIC_AUTH": CREDENTIALS,
    }
    log = tmp_path / "flower.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "flower",
                "--address=127.0.0.1",
                f"--port={port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            answers(f"{url}/healthcheck"), process, what="Flower", log=log, timeout=START_TIMEOUT
        )
        yield url
    finally:
        stop(process, timeout=5)


def test_flower_asks_for_the_credentials_from_flower_basic_auth(flower):
    assert status_of(f"{flower}/") == 401
    assert status_of(f"{flower}/api/workers") == 401
    assert status_of(f"{flower}/", "ops:wrong") == 401
    assert status_of(f"{flower}/", CREDENTIALS) == 200
    # The container's health check needs no credentials, and learns nothing but "OK".
    assert status_of(f"{flower}/healthcheck") == 200
