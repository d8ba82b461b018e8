"""An export built by a real Celery worker, through Redis, from request to download."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from config import settings as project_settings
from privacy.models import ExportRequest
from social.models import Notification
from social.services import posts
from tests.factories import PersonFactory, befriend

pytestmark = pytest.mark.worker


def test_a_worker_builds_the_export_and_its_owner_downloads_it(
    celery_worker, settings, api_client_for
):
    # The worker is another process with the project's settings: the test reads the exports
    # folder it writes to.
    settings.PRIVATE_MEDIA_ROOT = project_settings.PRIVATE_MEDIA_ROOT
    owner = PersonFactory.create(name="Wendy Worker", email="wendy@example.com")
    friend = PersonFactory.create(name="Walt Friend", email="walt.friend@example.com")
    posts.post_create(author=owner, text="WORKER_BUILT_POST")
    befriend(owner, friend)
    api = api_client_for(owner)

    response = api.post("/api/privacy/exports/")
    assert response.status_code == 201
    export = ExportRequest.objects.get(token=response.json()["token"])
    deadline = time.monotonic() + celery_worker.timeout
    while export.status in (ExportRequest.Status.PENDING, ExportRequest.Status.RUNNING):
        assert time.monotonic() < deadline, f"still {export.status}:\n{celery_worker.output()}"
        time.sleep(0.2)
        export.refresh_from_db()

    try:
        assert export.status == ExportRequest.Status.READY, export.error
        [row] = api.get("/api/privacy/exports/").json()
        assert row["status"] == "ready" and row["download_url"]
        download = api.get(f"/api/privacy/exports/{export.token}/download/")
        assert download.status_code == 200
        content = b"".join(download.streaming_content)
        archive = zipfile.ZipFile(io.BytesIO(content))
        assert [p["text"] for p in json.loads(archive.read("posts.json"))] == ["WORKER_BUILT_POST"]
        assert [f["friend"] for f in json.loads(archive.read("friends.json"))] == ["Walt Friend"]
        everything = b"".join(archive.read(name) for name in archive.namelist())
        assert b"walt.friend@example.com" not in everything
        assert Notification.objects.filter(recipient=owner, kind="export_ready").exists()
    finally:
        if export.file:
            export.file.delete(save=False)
