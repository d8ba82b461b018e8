"""Suite-wide fixtures: a clean cache per test, media in a temporary folder, and the cast."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import pytest  # noqa: E402

pytest_plugins = ["tests.cast", "tests.worker"]


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()
