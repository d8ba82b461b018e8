"""For tests that start a process of their own (a web server, nginx, Flower, a broker, a
worker): a free port, waiting until it answers, and stopping it. Every wait has a deadline and
says what the process wrote when it fails."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url: str, *, headers: dict[str, str] | None = None, timeout: float = 2) -> int:
    """The HTTP status `url` answers (an error status too); raises OSError when nothing does."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - a local URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def answers(url: str) -> Callable[[], bool]:
    """A readiness check: `url` answers 200."""

    def ready() -> bool:
        try:
            return status_of(url, timeout=1) == 200
        except OSError:
            return False

    return ready


def wait_until(
    ready: Callable[[], bool],
    process: subprocess.Popen,
    *,
    what: str,
    log: Path,
    timeout: float,
) -> None:
    """Until `ready()`; RuntimeError, with the process's output, when it exits or `timeout`
    seconds pass first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{_output(log)}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer in {timeout}s:\n{_output(log)}")


def stop(process: subprocess.Popen, *, timeout: float = 10.0) -> None:
    """SIGTERM (a warm shutdown), then a kill if it has not stopped within `timeout`."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def _output(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""
