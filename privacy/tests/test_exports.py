"""Data exports: requesting one, the zip a worker builds, downloading it, and its expiry."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from privacy import registry
from privacy.models import AuditEvent, ConsentRecord, ExportRequest, UsageCount
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant
from privacy.services.exports import export_build, export_request, exports_expire
from privacy.tasks.exports import build_export, expire_exports
from privacy.usage import record
from social.models import Notification
from social.services import posts
from tests.factories import PersonFactory

Status = ExportRequest.Status

OWNER_POST = "OWNER_POST_ABOUT_BIKES"
FRIEND_POST = "FRIEND_A_SECRET_POST"
FRIEND_COMMENT = "FRIEND_A_COMMENT_ON_OWNER"


def png(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (30, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def life(graph):
    """The owner's relations plus content: a post with a photo, an avatar, a friend's comment
    (and its notification), a friend's own post, a consent."""
    owner, friend_a = graph["owner"], graph["friend_a"]
    graph["post"] = posts.post_create(author=owner, text=OWNER_POST, photo=png("bike.png"))
    owner.profile.avatar.save("me.png", png("me.png"))
    posts.comment_create(author=friend_a, post_id=graph["post"].pk, text=FRIEND_COMMENT)
    posts.post_create(author=friend_a, text=FRIEND_POST)
    consent_grant(user=owner, purpose=Purpose.SOCIAL_PROOF, scope=Scope.FRIENDS)
    return graph


def built(owner, django_capture_on_commit_callbacks) -> ExportRequest:
    """Request an export and run the queued task eagerly, as the worker would after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=owner)
    export.refresh_from_db()
    return export


def archive_of(export: ExportRequest) -> zipfile.ZipFile:
    with export.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def raw_bytes(export: ExportRequest) -> bytes:
    """Every byte of every member, uncompressed, to look for what must not be there."""
    archive = archive_of(export)
    return b"\n".join(archive.read(name) for name in archive.namelist())


# --- Building ------------------------------------------------------------------------------


def test_an_export_is_built_into_a_zip_with_one_json_file_per_kind(
    life, django_capture_on_commit_callbacks
):
    export = built(life["owner"], django_capture_on_commit_callbacks)

    assert export.status == Status.READY
    assert export.size == export.file.size > 0
    assert export.expires_at == export.finished_at + timedelta(days=7)
    names = set(archive_of(export).namelist())
    exported = {entry.kind for entry in registry.entries() if entry.export is not None}
    assert {f"{kind}.json" for kind in exported} <= names
    assert {"manifest.json", "README.txt"} <= names
    for kind in exported:
        assert isinstance(json.loads(archive_of(export).read(f"{kind}.json")), list)


def test_the_zip_holds_the_persons_own_data_and_photos(life, django_capture_on_commit_callbacks):
    owner = life["owner"]
    export = built(owner, django_capture_on_commit_callbacks)
    archive = archive_of(export)

    [account] = json.loads(archive.read("account.json"))
    assert account["email"] == owner.email
    assert account["display_name"] == "Olivia Owner"
    [post] = json.loads(archive.read("posts.json"))
    assert post["text"] == OWNER_POST
    assert post["photo"] in archive.namelist()
    assert account["avatar"] in archive.namelist()
    assert Image.open(archive.open(post["photo"])).size == (8, 6)
    friends = {row["friend"] for row in json.loads(archive.read("friends.json"))}
    assert friends == {"Fiona InCircle", "Frank OutCircle"}
    [circle_a] = [c for c in json.loads(archive.read("circles.json")) if c["name"] == "Circle A"]
    assert [m["member"] for m in circle_a["members"]] == ["Fiona InCircle"]
    [consent] = json.loads(archive.read("consent_history.json"))
    assert consent["purpose"] == Purpose.SOCIAL_PROOF
    assert any(n["kind"] == "comment" for n in json.loads(archive.read("notifications.json")))


def test_the_usage_log_is_exported_day_by_day_with_counts_only(
    owner, stranger, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    earlier = today - timedelta(days=20)
    record(owner, Purpose.SOCIAL_PROOF, "Your review of the Trek Marlin 7", times=2)
    UsageCount.objects.create(
        owner=owner, purpose=Purpose.SOCIAL_PROOF, label="An older review", day=earlier, count=4
    )
    record(stranger, Purpose.SOCIAL_PROOF, "STRANGERS_REVIEW")
    export = built(owner, django_capture_on_commit_callbacks)

    usage = json.loads(archive_of(export).read("usage.json"))
    assert usage == [
        {
            "purpose": "social_proof",
            "label": "An older review",
            "day": earlier.isoformat(),
            "count": 4,
        },
        {
            "purpose": "social_proof",
            "label": "Your review of the Trek Marlin 7",
            "day": today.isoformat(),
            "count": 2,
        },
    ]
    assert b"STRANGERS_REVIEW" not in raw_bytes(export)


def test_the_manifest_lists_every_kind_and_every_exclusion_with_its_reason(
    life, django_capture_on_commit_callbacks
):
    export = built(life["owner"], django_capture_on_commit_callbacks)
    archive = archive_of(export)
    manifest = json.loads(archive.read("manifest.json"))

    listed = {row["kind"] for row in manifest["kinds"]}
    assert listed == {entry.kind for entry in registry.entries() if entry.export is not None}
    excluded = {row["kind"]: row["reason"] for row in manifest["excluded"]}
    assert excluded["blocked_by"] == registry.REGISTRY[("social.block", "blocked")].not_exported
    assert excluded["api_token"]
    assert set(manifest["files"]) == {
        name for name in archive.namelist() if name.startswith("files/")
    }
    assert "blocked_by" in archive.read("README.txt").decode()


def test_nothing_of_others_is_in_the_zip_beyond_what_the_owner_sees(
    life, django_capture_on_commit_callbacks
):
    owner = life["owner"]
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=owner)
    export = built(owner, django_capture_on_commit_callbacks)
    everything = raw_bytes(export)

    for other in ("friend_a", "friend_b", "fof", "blocked", "stranger", "moderator"):
        assert life[other].email.encode() not in everything, other
    assert FRIEND_POST.encode() not in everything  # a friend's post is theirs
    assert b"Fred FriendOfFriend" not in everything
    # Who blocked the owner is not the owner's to know; the blocker was a friend, so the
    # friendship is gone and nothing names them.
    assert b"Bella Blocked" not in everything
    assert token.key.encode() not in everything
    assert owner.password.encode() not in everything


def test_the_blocks_the_owner_made_are_in_it(graph, django_capture_on_commit_callbacks):
    from social.services.blocks import block_create

    block_create(blocker=graph["owner"], blocked=graph["stranger"])
    export = built(graph["owner"], django_capture_on_commit_callbacks)
    blocks = json.loads(archive_of(export).read("blocks.json"))
    assert [row["blocked"] for row in blocks] == ["Sam Stranger"]


def test_the_owner_is_told_when_it_is_ready(owner, django_capture_on_commit_callbacks):
    built(owner, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=owner, kind="export_ready")
    assert note.url == reverse("privacy:exports")
    assert "ready to download" in note.text


def test_a_request_is_audited_and_queued_only_when_it_commits(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = export_request(user=owner)
    export.refresh_from_db()
    assert export.status == Status.PENDING
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="export.requested", actor=owner).count() == 1


def test_a_failed_build_is_marked_failed_not_left_running(owner, monkeypatch):
    export = ExportRequest.objects.create(user=owner)

    def broken(user):
        raise RuntimeError("disk full")

    entry = registry.REGISTRY[("social.post", "author")]
    monkeypatch.setitem(
        registry.REGISTRY,
        entry.key,
        registry.PersonalData(**{**entry.__dict__, "export": broken}),
    )
    assert build_export.delay(export.pk).get() == Status.FAILED
    export.refresh_from_db()
    assert export.status == Status.FAILED
    assert "request a new one" in export.error
    assert not export.file
    assert not Notification.objects.filter(kind="export_ready").exists()


def test_building_twice_does_nothing_the_second_time(owner, django_capture_on_commit_callbacks):
    export = built(owner, django_capture_on_commit_callbacks)
    name = export.file.name
    assert export_build(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.file.name == name
    assert Notification.objects.filter(kind="export_ready").count() == 1


def test_an_export_stuck_running_is_given_up_on(owner):
    export = ExportRequest.objects.create(user=owner, status=Status.RUNNING)
    ExportRequest.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - timedelta(hours=7)
    )
    exports_expire()
    export.refresh_from_db()
    assert export.status == Status.FAILED
    assert export.error


# --- One a day -----------------------------------------------------------------------------


def ask_and_build(post) -> None:
    """Ask for an export through `post` and build it, as the worker would after the commit."""
    post()
    export_build(export_id=ExportRequest.objects.latest("created_at").pk)


def test_a_second_export_the_same_day_is_refused_with_409(owner, api_client_for):
    api = api_client_for(owner)
    ask_and_build(lambda: api.post("/api/privacy/exports/"))
    response = api.post("/api/privacy/exports/")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "export_once_a_day"
    assert error["message"].startswith("You can request one export a day; the last one is ready")
    assert ExportRequest.objects.filter(user=owner).count() == 1


def test_one_still_waiting_is_not_asked_for_twice_and_uses_no_quota(owner, api_client_for):
    api = api_client_for(owner)
    assert api.post("/api/privacy/exports/").status_code == 201
    response = api.post("/api/privacy/exports/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "export_in_progress"
    assert ExportRequest.objects.filter(user=owner).count() == 1
    # Never built (its task was lost), it is given up on after a while: the day's one is free.
    ExportRequest.objects.filter(user=owner).update(created_at=timezone.now() - timedelta(hours=7))
    assert api.post("/api/privacy/exports/").status_code == 201
    assert list(
        ExportRequest.objects.filter(user=owner).order_by("id").values_list("status", flat=True)
    ) == [Status.FAILED, Status.PENDING]


def test_after_a_failed_export_one_may_ask_again(owner, api_client_for):
    ExportRequest.objects.create(user=owner, status=Status.FAILED)
    assert api_client_for(owner).post("/api/privacy/exports/").status_code == 201


def test_yesterdays_export_does_not_count(owner, api_client_for):
    old = ExportRequest.objects.create(user=owner, status=Status.READY)
    ExportRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    assert api_client_for(owner).post("/api/privacy/exports/").status_code == 201


def test_the_page_says_why_a_second_request_is_refused(owner, client_for):
    client = client_for(owner)
    ask_and_build(lambda: client.post(reverse("privacy:exports")))
    response = client.post(reverse("privacy:exports"), follow=True)
    assert "You can request one export a day" in response.content.decode()
    assert ExportRequest.objects.filter(user=owner).count() == 1


def test_over_htmx_a_refusal_comes_as_an_error_event(owner, client_for):
    client = client_for(owner)
    client.post(reverse("privacy:exports"), headers={"HX-Request": "true"})
    response = client.post(reverse("privacy:exports"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "still being prepared" in json.loads(response.headers["HX-Trigger"])["bazaar:error"]
    assert ExportRequest.objects.filter(user=owner).count() == 1


# --- Pages ---------------------------------------------------------------------------------


def test_the_page_lists_exports_and_polls_while_one_is_being_prepared(owner, client_for):
    pending = ExportRequest.objects.create(user=owner)
    response = client_for(owner).get(reverse("privacy:exports"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("privacy:export_row", args=[pending.token]) in body
    assert 'hx-trigger="every 3s"' in body


def test_the_polled_row_stops_polling_once_ready(
    owner, client_for, django_capture_on_commit_callbacks
):
    export = built(owner, django_capture_on_commit_callbacks)
    body = client_for(owner).get(reverse("privacy:export_row", args=[export.token])).content
    assert b"hx-trigger" not in body
    assert reverse("privacy:export_download", args=[export.token]).encode() in body


def test_the_page_says_what_to_do_when_there_is_none(owner, client_for):
    body = client_for(owner).get(reverse("privacy:exports")).content.decode()
    assert "No exports yet" in body


def test_someone_elses_row_is_a_404(owner, stranger, client_for):
    export = ExportRequest.objects.create(user=owner)
    response = client_for(stranger).get(reverse("privacy:export_row", args=[export.token]))
    assert response.status_code == 404


# --- Downloading ---------------------------------------------------------------------------


def test_the_owner_downloads_the_zip_as_an_attachment(
    owner, client_for, django_capture_on_commit_callbacks
):
    export = built(owner, django_capture_on_commit_callbacks)
    response = client_for(owner).get(reverse("privacy:export_download", args=[export.token]))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    content = b"".join(response.streaming_content)
    assert "account.json" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert AuditEvent.objects.filter(action="export.downloaded", actor=owner).count() == 1


@pytest.mark.parametrize("who", ["stranger", "moderator"])
def test_nobody_else_can_download_it_not_even_staff(
    who, graph, client_for, api_client_for, django_capture_on_commit_callbacks
):
    export = built(graph["owner"], django_capture_on_commit_callbacks)
    other = graph[who]
    page = client_for(other).get(reverse("privacy:export_download", args=[export.token]))
    api = api_client_for(other).get(f"/api/privacy/exports/{export.token}/download/")
    assert page.status_code == 404
    assert api.status_code == 404
    assert b"PK\x03\x04" not in page.content + api.content  # no zip in the answer
    assert graph["owner"].email.encode() not in page.content + api.content
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_an_expired_link_is_gone_and_shows_nothing(
    owner, client_for, api_client_for, django_capture_on_commit_callbacks
):
    export = built(owner, django_capture_on_commit_callbacks)
    ExportRequest.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = client_for(owner).get(reverse("privacy:export_download", args=[export.token]))
    api = api_client_for(owner).get(f"/api/privacy/exports/{export.token}/download/")
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert api.status_code == 410
    assert api.json()["error"]["code"] == "gone"
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_an_unknown_or_unfinished_export_is_not_downloadable(owner, client_for):
    import uuid

    client = client_for(owner)
    unknown = client.get(reverse("privacy:export_download", args=[uuid.uuid4()]))
    assert unknown.status_code == 404
    pending = ExportRequest.objects.create(user=owner)
    response = client.get(reverse("privacy:export_download", args=[pending.token]))
    assert response.status_code == 410
    assert "still being prepared" in response.content.decode()


# --- API -----------------------------------------------------------------------------------


def test_the_api_lists_only_ones_own_exports_with_a_download_link(
    owner, stranger, api_client_for, django_capture_on_commit_callbacks
):
    export = built(owner, django_capture_on_commit_callbacks)
    ExportRequest.objects.create(user=stranger)
    [row] = api_client_for(owner).get("/api/privacy/exports/").json()
    assert row["token"] == str(export.token)
    assert row["status"] == "ready"
    assert row["download_url"].endswith(f"/api/privacy/exports/{export.token}/download/")
    [theirs] = api_client_for(stranger).get("/api/privacy/exports/").json()
    assert theirs["token"] != str(export.token)
    assert theirs["download_url"] is None


def test_the_api_downloads_a_ready_export(
    owner, api_client_for, django_capture_on_commit_callbacks
):
    export = built(owner, django_capture_on_commit_callbacks)
    response = api_client_for(owner).get(f"/api/privacy/exports/{export.token}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None


def test_the_api_refuses_anonymous_requests(db, api_client_for):
    assert api_client_for(None).post("/api/privacy/exports/").status_code == 403
    assert ExportRequest.objects.count() == 0


# --- Expiry --------------------------------------------------------------------------------


def test_the_expiry_task_deletes_the_file_after_its_time(owner, django_capture_on_commit_callbacks):
    export = built(owner, django_capture_on_commit_callbacks)
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)

    assert expire_exports.delay().get() == 0  # not yet: it has 7 days
    assert storage.exists(name)

    ExportRequest.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert expire_exports.delay().get() == 1
    export.refresh_from_db()
    assert export.status == Status.EXPIRED
    assert not export.file
    assert not storage.exists(name)


def test_a_ready_export_expires_seven_days_after_it_is_built(
    owner, django_capture_on_commit_callbacks
):
    export = built(owner, django_capture_on_commit_callbacks)
    assert exports_expire(now=export.finished_at + timedelta(days=6, hours=23)) == 0
    assert exports_expire(now=export.finished_at + timedelta(days=7)) == 1


def test_the_consent_ledger_is_not_touched_by_an_export(life, django_capture_on_commit_callbacks):
    before = ConsentRecord.objects.count()
    built(life["owner"], django_capture_on_commit_callbacks)
    assert ConsentRecord.objects.count() == before


def test_exports_of_people_without_anything_still_work(db, django_capture_on_commit_callbacks):
    lonely = PersonFactory.create(name="Lonely Lou")
    export = built(lonely, django_capture_on_commit_callbacks)
    assert export.status == Status.READY
    assert json.loads(archive_of(export).read("posts.json")) == []


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/privacy/exports/", "/api/privacy/exports/"])
def test_the_list_answers_in_a_fixed_number_of_queries(url, owner, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(owner)
    ExportRequest.objects.create(user=owner, status=Status.READY, expires_at=timezone.now())
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for status in [Status.PENDING, Status.RUNNING, Status.FAILED, Status.EXPIRED] * 3:
        ExportRequest.objects.create(user=owner, status=status)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
