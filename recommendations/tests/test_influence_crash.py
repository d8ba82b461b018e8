"""A worker killed in the middle of an influence run leaves the previous scores in place; the next
run records the interrupted one as failed and completes the scores, and the killed worker's task
is redelivered to the next worker.

These tests start their own workers (on their own queue, so the session's worker never takes
their task) with the run told to hold its write transaction open, and kill one with SIGKILL
inside it."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.core.cache import cache

from privacy.services.consent import consent_grant
from recommendations.influence import INTERRUPTED, influence_run
from recommendations.models import InfluenceRun, InfluenceScore
from recommendations.tasks import influence_full
from tests.factories import PersonFactory, befriend, make_product, make_review
from tests.worker import WorkerProcess, services_missing, start_worker, stop_worker

QUEUE = "influence-crash-test"
REDELIVERY_SECONDS = 3  # the visibility timeout the workers of the redelivery test run with


def table() -> dict:
    return dict(InfluenceScore.objects.values_list("person_id", "score"))


def require_services(settings) -> None:
    reason = services_missing(settings)
    if reason:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def ann_and_ben():
    """Two friends who both count for influence; Ann has reviewed something."""
    ann, ben = PersonFactory.create(name="Ann"), PersonFactory.create(name="Ben")
    befriend(ann, ben)
    for person in (ann, ben):
        consent_grant(user=person, purpose="influence", scope="fof")
    make_review(ann, make_product())
    return ann, ben


def worker_on_the_queue(settings, log, **options) -> WorkerProcess:
    from django.db import connections

    from config.celery import app

    return start_worker(
        app=app,
        settings_dict=connections["default"].settings_dict,
        redis_url=settings.REDIS_URL,
        log=log,
        queues=QUEUE,
        **options,
    )


def no_incremental_runs(monkeypatch) -> None:
    """No incremental run for the reviews these tests write: the session's worker would take
    one `COALESCE_SECONDS` (30 s) later, on a slow machine while a test still reads the table."""
    monkeypatch.setattr("recommendations.influence_events.schedule_incremental", lambda: False)


def kill_inside_a_run(worker: WorkerProcess) -> None:
    """Queue a full run for `worker`, wait until it holds its transaction open, kill it."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        influence_full.apply_async(queue=QUEUE)
    finally:
        app.conf.task_always_eager = eager
    deadline = time.monotonic() + 30
    while not cache.get("influence:test-paused"):
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.1)
    worker.process.send_signal(signal.SIGKILL)
    worker.process.wait(timeout=10)


@pytest.mark.worker
def test_a_killed_worker_leaves_the_previous_scores_and_the_next_run_completes_them(
    django_db_setup, transactional_db, settings, tmp_path, monkeypatch
):
    from config.celery import app

    require_services(settings)
    ann, ben = ann_and_ben()
    influence_run()
    previous = table()
    no_incremental_runs(monkeypatch)
    make_review(ben, make_product("Fuel EX"))  # the killed run would have added Ben

    monkeypatch.setenv("INFLUENCE_TEST_PAUSE_SECONDS", "60")
    worker = worker_on_the_queue(settings, tmp_path / "worker.log")
    try:
        kill_inside_a_run(worker)
    finally:
        stop_worker(worker)
        app.control.purge()

    assert table() == previous
    killed = InfluenceRun.objects.first()
    assert killed.status == InfluenceRun.Status.RUNNING

    settings.INFLUENCE_TEST_PAUSE_SECONDS = 0
    run = influence_run()

    killed.refresh_from_db()
    assert (killed.status, killed.error) == (InfluenceRun.Status.FAILED, INTERRUPTED)
    assert run.status == InfluenceRun.Status.SUCCEEDED
    assert set(table()) == {ann.pk, ben.pk}


@pytest.mark.worker
def test_a_task_whose_worker_process_was_killed_is_redelivered_to_the_next_worker(
    django_db_setup, transactional_db, settings, tmp_path, monkeypatch
):
    """The worker's main process (solo pool: the one running the task) is killed, as by the
    out-of-memory killer or a container stop; the task was never acknowledged, so once the
    visibility timeout passes another worker takes it and completes the run."""
    from config.celery import app

    require_services(settings)
    ann, ben = ann_and_ben()
    no_incremental_runs(monkeypatch)
    make_review(ben, make_product("Fuel EX"))
    timeout = {"BROKER_VISIBILITY_TIMEOUT": str(REDELIVERY_SECONDS)}

    first = worker_on_the_queue(
        settings, tmp_path / "first.log", env={**timeout, "INFLUENCE_TEST_PAUSE_SECONDS": "60"}
    )
    second = None
    try:
        kill_inside_a_run(first)
        killed = InfluenceRun.objects.get(status=InfluenceRun.Status.RUNNING)
        assert ben.pk not in table()  # the killed run wrote nothing

        second = worker_on_the_queue(
            settings,
            tmp_path / "second.log",
            purge=False,  # the unacknowledged task must survive
            env={**timeout, "INFLUENCE_TEST_PAUSE_SECONDS": "0"},
        )
        # Workers look for unacknowledged tasks older than the visibility timeout every 10 s:
        # the task comes back well within a minute.
        deadline = time.monotonic() + 60
        finished = InfluenceRun.objects.filter(
            pk__gt=killed.pk, status=InfluenceRun.Status.SUCCEEDED
        )
        while not finished.exists():
            assert time.monotonic() < deadline, second.output()
            time.sleep(0.5)
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)
        app.control.purge()

    assert set(table()) == {ann.pk, ben.pk}
    killed.refresh_from_db()
    assert (killed.status, killed.error) == (InfluenceRun.Status.FAILED, INTERRUPTED)
