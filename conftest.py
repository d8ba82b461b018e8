"""Suite-wide fixtures: a clean cache per test, media in a temporary folder, known noise on
released counts (`tests/noise.py`; `opendp_noise` for OpenDP's own), and the cast."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import pytest  # noqa: E402

pytest_plugins = ["tests.cast", "tests.smtp", "tests.worker"]


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def exact_noise(request):
    """Counts released with noise come out exact, unless the test asks for `opendp_noise`."""
    from privacy.releases import sampler, using_sampler
    from tests.noise import ExactSampler

    if "opendp_noise" in request.fixturenames:
        yield sampler()
        return
    with using_sampler(ExactSampler()) as exact:
        yield exact


@pytest.fixture
def mailoutbox(mailoutbox, emails_at_once):
    """pytest-django's outbox, with emails queued at once (`tests.smtp.emails_at_once`)."""
    return mailoutbox


@pytest.fixture
def mailoutbox_later():
    """The outbox with emails queued after commit, as in production."""
    from django.core import mail

    return mail.outbox


@pytest.fixture
def opendp_noise():
    """Draw with OpenDP, as in production (see `exact_noise`)."""
    from privacy.releases import sampler

    return sampler()


@pytest.fixture
def next_day(monkeypatch):
    """Call it to move released counts to the next day: today's answers are no longer
    repeated, and the day's privacy budget is whole again."""
    from datetime import timedelta

    from privacy import releases

    def move(days: int = 1) -> None:
        moved = releases.today() + timedelta(days=days)
        monkeypatch.setattr(releases, "today", lambda: moved)

    return move
