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
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 20.0
CREDENTIALS = "ops:correct-horse"


def status_of(url: str, credentials: str | None = None) -> int:
    request = urllib.request.Request(url)  # noqa: S310 - a local http:// URL
    if credentials is not None:
        token = base64.b64encode(credentials.encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - a local URL
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


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
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"Flower exited with {process.returncode}:\n{log.read_text()}")
            try:
                if status_of(f"{url}/healthcheck") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"Flower did not answer in {START_TIMEOUT}s:\n{log.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_flower_asks_for_the_credentials_from_flower_basic_auth(flower):
    assert status_of(f"{flower}/") == 401
    assert status_of(f"{flower}/api/workers") == 401
    assert status_of(f"{flower}/", "ops:wrong") == 401
    assert status_of(f"{flower}/", CREDENTIALS) == 200
    # The container's health check needs no credentials, and learns nothing but "OK".
    assert status_of(f"{flower}/healthcheck") == 200
