"""config/wsgi.py and config/asgi.py: the application, loaded, with its heap frozen."""

from __future__ import annotations

import pytest

from tests.test_settings import run_python


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_entry_point_loads_the_application_and_freezes_what_it_loaded(module):
    script = f"import gc, {module} as entry; print(callable(entry.application))"
    result = run_python(["-c", script + "; print(gc.get_freeze_count())"])
    assert result.returncode == 0, result.stderr
    loaded, frozen = result.stdout.split()[-2:]
    assert loaded == "True"
    assert int(frozen) > 10_000  # Django and the apps: the objects a full collection skips
