"""The production image's build steps run as the Dockerfile writes them, in a clean
environment: the `collectstatic` step needs nothing but what its own line gives it."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def run_steps() -> list[str]:
    """The Dockerfile's RUN instructions, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line[4:].strip() for line in text.splitlines() if line.startswith("RUN ")]


def test_the_collectstatic_step_runs_as_written_in_a_clean_environment():
    [step] = [step for step in run_steps() if "collectstatic" in step]
    words = shlex.split(step)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    while words and ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words[:2] == ["python", "manage.py"], step
    # The image's python is the project's environment: here, the one running the tests.
    result = subprocess.run(
        [sys.executable, *words[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert (ROOT / "staticfiles" / "staticfiles.json").exists()  # the manifest was written
