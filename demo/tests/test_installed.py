"""The demo app is installed for development and tests only: production has no `seed_demo`."""

from __future__ import annotations

import json

from tests.test_settings import production_env, run_python

INSTALLED = """
import json
import django
django.setup()
from django.apps import apps
from django.core.management import get_commands
print(json.dumps({
    "installed": apps.is_installed("demo"),
    "commands": sorted(name for name in ("seed_demo", "demo_logins") if name in get_commands()),
}))
"""


def demo_app_with(**env: str) -> dict:
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    result = run_python(["-c", INSTALLED], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_installs_the_demo_and_its_commands(tmp_path):
    values = demo_app_with(SQLITE_PATH=str(tmp_path / "dev.sqlite3"))
    assert values == {"installed": True, "commands": ["demo_logins", "seed_demo"]}


def test_production_does_not_install_the_demo(tmp_path):
    values = demo_app_with(**production_env(tmp_path))
    assert values == {"installed": False, "commands": []}


def test_demo_0_leaves_it_out_of_development_too(tmp_path):
    values = demo_app_with(SQLITE_PATH=str(tmp_path / "dev.sqlite3"), DEMO="0")
    assert values["installed"] is False
