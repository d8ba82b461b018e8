"""The broker down: a write that queues a task answers as usual, and the task is not lost.

A real Redis of its own serves as the broker, on a port of its own: the test asks for an export
while nothing listens there, then starts the broker and a real worker, and the beat's drain
hands the waiting task over; the worker builds the export. Before the outbox, the request
failed after its rows committed and the export was never built, using up the day's one."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse

from outbox.models import QueuedTask
from outbox.tasks import drain
from privacy.models import ExportRequest
from tests.factories import PersonFactory
from tests.processes import free_port, stop, wait_until
from tests.worker import services_missing, start_worker, stop_worker

pytestmark = [pytest.mark.worker]

WAIT = 20.0


def point_broker(app, url: str) -> None:
    """Send this process's tasks to `url`, dropping the connections to the old broker."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def start_redis(port: int, log: Path) -> subprocess.Popen:
    import redis

    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )

    def pings() -> bool:
        try:
            return bool(redis.Redis(port=port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    try:
        wait_until(pings, process, what="redis-server", log=log, timeout=WAIT)
    except RuntimeError:
        stop(process)
        raise
    return process


@pytest.fixture
def broker_down(transactional_db, settings):
    """A broker address nothing answers on yet, for this process's tasks; eager mode off."""
    from config.celery import app

    reason = services_missing(settings) or (
        None if shutil.which("redis-server") else "no redis-server to run a broker of its own"
    )
    if reason:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    old_url, eager = app.conf.broker_url, app.conf.task_always_eager
    point_broker(app, url)
    app.conf.task_always_eager = False
    yield port
    app.conf.task_always_eager = eager
    point_broker(app, old_url)


def test_an_export_asked_for_while_the_broker_is_down_is_built_when_it_is_back(
    broker_down, client, settings, tmp_path
):
    from django.db import connections

    from config.celery import app

    member = PersonFactory.create(name="Olivia Owner")
    client.force_login(member)

    started = time.monotonic()
    response = client.post(reverse("privacy:exports"))
    took = time.monotonic() - started

    assert response.status_code == 302
    assert took < settings.CELERY_BROKER_CONNECTION_TIMEOUT + 1
    export = ExportRequest.objects.get(user=member)
    assert export.status == ExportRequest.Status.PENDING
    [waiting] = QueuedTask.objects.all()
    assert (waiting.name, waiting.args, waiting.tries) == ("privacy.build_export", [export.pk], 1)
    assert drain.run() == 0  # still down: it waits, nothing is raised
    # Waiting for the broker uses up nothing: the member is told it is on its way.
    again = client.post(reverse("privacy:exports"), follow=True)
    assert "still being prepared" in again.content.decode()

    broker = start_redis(broker_down, tmp_path / "broker.log")
    worker = start_worker(
        app=app,
        settings_dict=connections["default"].settings_dict,
        redis_url=settings.REDIS_URL,
        log=tmp_path / "worker.log",
        env={"BROKER_URL": f"redis://127.0.0.1:{broker_down}/0"},
    )
    try:
        assert drain.run() == 1
        assert not QueuedTask.objects.exists()
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            export.refresh_from_db()
            if export.status == ExportRequest.Status.READY:
                break
            time.sleep(0.2)
        assert export.status == ExportRequest.Status.READY, worker.output()
    finally:
        stop_worker(worker)
        stop(broker)
