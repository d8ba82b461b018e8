"""Two web processes, one site: what a load balancer in front of several gunicorns relies on.

Two real gunicorn processes (`config.wsgi`, each on a port of its own) run against the suite's
PostgreSQL *test* database and Redis, with one SECRET_KEY and one MEDIA_ROOT, as web replicas
do behind nginx (docker-compose.yml, docs/operations.md "Scaling out"). A person's requests may
reach either, in any order:

- signed in on one, they are signed in on the other (sessions live in PostgreSQL);
- a photo uploaded through one is stored in the shared MEDIA_ROOT, and the other links and
  serves the same file;
- the write limit counts their writes on both together (its counts live in Redis): three a
  minute allowed, made through both, and the fourth is refused wherever it arrives.

The processes are other processes: `settings` overrides in the test do not reach them; they get
their configuration from the environment, as in production. Without PostgreSQL and Redis the
tests are skipped, saying why; with REQUIRE_SERVICES=1 (CI) they fail instead.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from PIL import Image

from accounts.models import User
from social.models import Circle
from tests.factories import PASSWORD, PersonFactory
from tests.processes import answers, free_port, stop, wait_until
from tests.worker import database_url, services_missing

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class WebProcess:
    """One running gunicorn: where it answers, its process and its log."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass(frozen=True)
class WebPair:
    a: WebProcess
    b: WebProcess
    media_root: Path


def start_web(name: str, *, env: dict[str, str], log: Path) -> WebProcess:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        "--graceful-timeout=2",
        "--access-logfile=-",
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    return WebProcess(name=name, url=f"http://127.0.0.1:{port}", process=process, log=log)


@pytest.fixture(scope="module")
def web_pair(django_db_setup, tmp_path_factory) -> Iterator[WebPair]:
    """Two web processes on the test database and Redis, sharing a key and a media folder;
    started once for the module, stopped at its end (before the test database is dropped)."""
    from django.conf import settings
    from django.db import connections

    reason = services_missing(settings)
    if reason:
        message = f"two web processes need PostgreSQL and Redis: {reason}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)

    folder = tmp_path_factory.mktemp("two-web-processes")
    media_root = folder / "media"
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        # After django_db_setup, the connection names the test database (`test_<name>`).
        "DATABASE_URL": database_url(connections["default"].settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "bazaar"),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MEDIA_ROOT": str(media_root),
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "WRITE_RATE_LIMIT": "3/min",
        "LOG_FORMAT": "plain",
    }
    started: list[WebProcess] = []
    try:
        for name in ("A", "B"):
            started.append(start_web(name, env=env, log=folder / f"{name.lower()}.log"))
        for web in started:  # /healthz: the database and the broker answer it
            wait_until(
                answers(f"{web.url}/healthz"),
                web.process,
                what=f"web process {web.name}",
                log=web.log,
                timeout=START_TIMEOUT,
            )
        yield WebPair(a=started[0], b=started[1], media_root=media_root)
    finally:
        for web in started:
            stop(web.process, timeout=STOP_TIMEOUT)


@pytest.fixture
def web(web_pair, transactional_db) -> WebPair:
    """The two processes, with this test's rows committed so they can see them."""
    for process in (web_pair.a, web_pair.b):
        if process.process.poll() is not None:
            pytest.fail(f"web process {process.name} has exited:\n{process.output()}")
    return web_pair


@pytest.fixture
def member(transactional_db) -> User:
    return PersonFactory.create(name="Olivia Owner")


def sign_in(web: WebProcess, user: User) -> requests.Session:
    """Sign `user` in through the sign-in form of `web`, as a browser does; the session's
    cookies then go to whichever process answers next."""
    browser = requests.Session()
    form = browser.get(f"{web.url}/accounts/login/", timeout=REQUEST_TIMEOUT)
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token, "the sign-in form carries a CSRF token"
    answer = browser.post(
        f"{web.url}/accounts/login/",
        data={"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert answer.status_code == 302, answer.text[:2000]
    assert "sessionid" in browser.cookies
    return browser


def write_headers(browser: requests.Session) -> dict[str, str]:
    """What the API asks of a write made with a session: the CSRF token from its cookie."""
    token = browser.cookies.get("csrftoken")
    assert token, "signing in set a CSRF cookie"
    return {"X-CSRFToken": token}


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 80, 40)).save(out, format="PNG")
    return out.getvalue()


def test_a_member_signed_in_on_one_process_is_signed_in_on_the_other(web, member):
    browser = sign_in(web.a, member)

    home_on_b = browser.get(f"{web.b.url}/", allow_redirects=False, timeout=REQUEST_TIMEOUT)

    assert home_on_b.status_code == 200
    assert "Olivia Owner" in home_on_b.text
    assert 'action="/accounts/logout/"' in home_on_b.text
    # Without the session cookie, the same page on B is the visitor's.
    visitor = requests.get(f"{web.b.url}/", allow_redirects=False, timeout=REQUEST_TIMEOUT)
    assert visitor.status_code == 200
    assert "Olivia Owner" not in visitor.text


def test_a_photo_uploaded_through_one_process_is_linked_and_served_by_the_other(web, member):
    browser = sign_in(web.a, member)

    uploaded = browser.put(
        f"{web.a.url}/api/me/avatar/",
        files={"avatar": ("me.png", picture(), "image/png")},
        headers=write_headers(browser),
        timeout=REQUEST_TIMEOUT,
    )

    assert uploaded.status_code == 200, uploaded.text
    member.profile.refresh_from_db()
    name = member.profile.avatar.name
    assert name.startswith(f"avatars/{member.pk}/")
    stored = web.media_root / name
    assert stored.is_file()  # in the folder both processes share
    home_on_b = browser.get(f"{web.b.url}/", timeout=REQUEST_TIMEOUT)
    assert f'src="/media/{name}"' in home_on_b.text
    served_by_b = requests.get(f"{web.b.url}/media/{name}", timeout=REQUEST_TIMEOUT)
    assert served_by_b.status_code == 200
    assert served_by_b.content == stored.read_bytes()


def test_the_write_limit_counts_a_members_writes_on_both_processes_together(web, member):
    browser = sign_in(web.a, member)

    def new_circle(process: WebProcess, name: str) -> requests.Response:
        return browser.post(
            f"{process.url}/api/circles/",
            json={"name": name},
            headers=write_headers(browser),
            timeout=REQUEST_TIMEOUT,
        )

    # Three a minute (WRITE_RATE_LIMIT in both processes' environment); neither process alone
    # has seen more than two of them.
    assert new_circle(web.a, "Choir").status_code == 201
    assert new_circle(web.b, "Climbing").status_code == 201
    assert new_circle(web.a, "Chess").status_code == 201

    refused = new_circle(web.b, "Tennis")

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert new_circle(web.a, "Darts").status_code == 429
    made = Circle.objects.filter(
        owner=member, name__in=["Choir", "Climbing", "Chess", "Tennis", "Darts"]
    )
    assert sorted(made.values_list("name", flat=True)) == ["Chess", "Choir", "Climbing"]
