"""Data exports: a person asks for a copy of everything Bazaar holds about them (right of access
and portability), a Celery job builds it as a zip, they download it for a limited time.

What goes into the zip is decided by the personal-data registry (privacy/personal_data/ and
the registrations of later apps): one JSON file per kind of data, the person's own photos, and a
manifest that also lists what was left out and why. Nothing here knows the models.
"""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from datetime import datetime, timedelta
from typing import IO
from uuid import UUID

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from config.errors import Conflict, DomainError, NotFound
from privacy import registry
from privacy.audit import audit
from privacy.models import ExportRequest
from social.services.notifications import notify

logger = logging.getLogger(__name__)

Status = ExportRequest.Status

# An export still pending or running after this long is given up on (its worker died and the
# task was not redelivered); the person may ask again.
STALE_AFTER = timedelta(hours=6)
STALE_MESSAGE = "The export took too long and was stopped. Please request a new one."

README = """\
Your Bazaar data
================

This archive holds a copy of the data Bazaar keeps about you, made on {made}.

- One JSON file per kind of data (listed below and in manifest.json).
- files/: your photos (your avatar and the photos of your posts).
- Other people appear only by the display name you could already see; never by their
  email address.

What is in it:
{kinds}

What is not in it, and why:
{excluded}
"""


class ExportGone(DomainError):
    """The export exists but can no longer be downloaded (expired, failed or not ready)."""

    status = 410
    code = "gone"


# --- Requesting ------------------------------------------------------------------------------


def _built_today(user: User) -> ExportRequest | None:
    """Today's export that was built (ready, or already expired): the one a day."""
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        ExportRequest.objects.filter(
            user=user, created_at__gte=start_of_day, status__in=[Status.READY, Status.EXPIRED]
        )
        .order_by("-created_at")
        .first()
    )


def _in_progress(user: User) -> ExportRequest | None:
    """An export waiting or being built, unless it is stale (then it is given up on now)."""
    _give_up_stale(ExportRequest.objects.filter(user=user))
    return (
        ExportRequest.objects.filter(user=user, status__in=[Status.PENDING, Status.RUNNING])
        .order_by("-created_at")
        .first()
    )


def _give_up_stale(exports: QuerySet[ExportRequest]) -> None:
    """Mark failed those of `exports` still waiting or being built after `STALE_AFTER`."""
    now = timezone.now()
    exports.filter(
        status__in=[Status.PENDING, Status.RUNNING], created_at__lte=now - STALE_AFTER
    ).update(status=Status.FAILED, error=STALE_MESSAGE, finished_at=now)


def _state_phrase(export: ExportRequest) -> str:
    phrases: dict[str, str] = {
        Status.READY: "ready to download",
        Status.EXPIRED: "expired",
    }
    return phrases.get(export.status, export.get_status_display().lower())


@transaction.atomic
def export_request(*, user: User, request: HttpRequest | None = None) -> ExportRequest:
    """Ask for a copy of one's data; the build is queued once this commits.

    One built export a day per person: one that is still waiting (the broker may be down) or
    that failed does not use it up. Raises Conflict while one is being prepared, and when
    today's was built.
    """
    # Lock the person's row so two simultaneous requests cannot both pass the checks.
    User.objects.select_for_update().filter(pk=user.pk).exists()
    if _in_progress(user) is not None:
        raise Conflict(
            "Your last export is still being prepared; we will tell you when it is ready.",
            code="export_in_progress",
        )
    built = _built_today(user)
    if built is not None:
        raise Conflict(
            "You can request one export a day; the last one is "
            f"{_state_phrase(built)}. You can ask again tomorrow.",
            code="export_once_a_day",
        )
    export = ExportRequest.objects.create(user=user)
    audit("export.requested", actor=user, request=request, export=str(export.token))

    from privacy.tasks.exports import build_export  # the task module imports this one

    build_export.enqueue(export.pk)
    return export


# --- Reading ---------------------------------------------------------------------------------


def exports_of(user: User) -> QuerySet[ExportRequest]:
    """The person's own exports, newest first. Nobody else's, whoever asks."""
    return ExportRequest.objects.filter(user=user).order_by("-created_at", "-id")


def export_of(*, user: User, token: UUID | str) -> ExportRequest:
    """One of the person's own exports. Raises NotFound for anyone else's, staff included."""
    export = ExportRequest.objects.filter(user=user, token=token).first()
    if export is None:
        raise NotFound("No such export.", code="no_export")
    return export


def is_downloadable(export: ExportRequest) -> bool:
    return (
        export.status == Status.READY
        and bool(export.file)
        and export.expires_at is not None
        and export.expires_at > timezone.now()
    )


def export_download(
    *, user: User, token: UUID | str, request: HttpRequest | None = None
) -> tuple[ExportRequest, FieldFile]:
    """Open the person's ready export for download; the download is audited.

    Raises NotFound when the export is not theirs, ExportGone when it is no longer (or not yet)
    downloadable. Returns (export, open binary file).
    """
    export = export_of(user=user, token=token)
    if not is_downloadable(export):
        if export.status in (Status.PENDING, Status.RUNNING):
            message = "This export is still being prepared. Try again in a minute."
        elif export.status == Status.FAILED:
            message = "This export failed. Request a new one."
        else:
            message = "This export has expired and its file is deleted. Request a new one."
        raise ExportGone(message)
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise ExportGone("This export's file is gone. Request a new one.", code="gone") from None
    audit("export.downloaded", actor=user, request=request, export=str(export.token))
    return export, handle


# --- Building (runs in the worker) -----------------------------------------------------------


def _claim(export_id: int) -> ExportRequest | None:
    """Mark the export running, unless it is already finished (a redelivered task)."""
    with transaction.atomic():
        export = (
            ExportRequest.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, status__in=[Status.PENDING, Status.RUNNING])
            .first()
        )
        if export is None:
            return None
        export.status = Status.RUNNING
        export.save(update_fields=["status"])
        return export


def _gather(
    user: User,
) -> tuple[dict[str, list[registry.ExportRow]], list[dict[str, str]], list[registry.ExportFile]]:
    """Rows per kind, the excluded kinds with reasons, and the files, from the registry."""
    kinds: dict[str, list[registry.ExportRow]] = {}
    excluded: list[dict[str, str]] = []
    files: list[registry.ExportFile] = []
    for entry in sorted(registry.entries(), key=lambda entry: entry.kind):
        if entry.export is None:
            excluded.append({"kind": entry.kind, "reason": entry.not_exported})
            continue
        kinds.setdefault(entry.kind, []).extend(entry.export(user))
        if entry.files is not None:
            files.extend(entry.files(user))
    return kinds, excluded, files


def _write_zip(target: IO[bytes], user: User, made: datetime) -> None:
    kinds, excluded, files = _gather(user)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind, rows in kinds.items():
            archive.writestr(
                f"{kind}.json",
                json.dumps(rows, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder),
            )
        included_files: list[str] = []
        missing_files: list[str] = []
        seen: set[str] = set()
        for arcname, fieldfile in files:
            if arcname in seen:
                continue
            seen.add(arcname)
            try:
                with fieldfile.open("rb") as source, archive.open(arcname, "w") as sink:
                    while chunk := source.read(1024 * 1024):
                        sink.write(chunk)
            except (FileNotFoundError, OSError):
                missing_files.append(arcname)
                continue
            included_files.append(arcname)
        manifest = {
            "made_at": made.isoformat(),
            "kinds": [
                {"kind": kind, "file": f"{kind}.json", "rows": len(rows)}
                for kind, rows in kinds.items()
            ],
            "excluded": excluded,
            "files": included_files,
            "missing_files": missing_files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        archive.writestr(
            "README.txt",
            README.format(
                made=made.strftime("%Y-%m-%d %H:%M %Z"),
                kinds="\n".join(
                    f"- {kind}.json ({len(rows)} rows)" for kind, rows in kinds.items()
                ),
                excluded="\n".join(f"- {row['kind']}: {row['reason']}" for row in excluded),
            ),
        )


def _fail(export_id: int, message: str) -> None:
    ExportRequest.objects.filter(pk=export_id).update(
        status=Status.FAILED, error=message[:300], finished_at=timezone.now()
    )


def export_build(*, export_id: int) -> ExportRequest | None:
    """Build the zip for an export, store it, mark it ready and tell its owner.

    Safe to run twice (a redelivered task finds it finished and does nothing). Any error marks
    the export failed with a message, so it never stays "being prepared".
    """
    export = _claim(export_id)
    if export is None:
        return None
    try:
        made = timezone.now()
        with tempfile.TemporaryFile() as target:
            _write_zip(target, export.user, made)
            target.seek(0)
            if export.file:
                export.file.delete(save=False)
            export.file.save(f"{export.token}.zip", File(target), save=False)
            export.size = export.file.size
        export.status = Status.READY
        export.finished_at = timezone.now()
        export.expires_at = export.finished_at + timedelta(days=settings.EXPORT_TTL_DAYS)
        export.error = ""
        # Ready and told in one commit: whoever sees the one sees the other.
        with transaction.atomic():
            export.save(
                update_fields=["file", "size", "status", "finished_at", "expires_at", "error"]
            )
            notify(
                recipient=export.user,
                kind="export_ready",
                text="Your data export is ready to download until "
                f"{date_format(timezone.localtime(export.expires_at), 'j F Y')}.",
                url=reverse("privacy:exports"),
            )
    except Exception:  # reported on the export; the worker goes on
        logger.exception("Export %s failed", export_id)
        if export.file:
            export.file.delete(save=False)
        _fail(export_id, "Building the export failed. Please request a new one.")
        return ExportRequest.objects.get(pk=export_id)
    return export


# --- Expiring (periodic) ---------------------------------------------------------------------


def exports_expire(*, now: datetime | None = None) -> int:
    """Delete the files of exports past their expiry and mark them expired; give up on exports
    stuck pending or running. Returns how many files were deleted."""
    now = now or timezone.now()
    expired = 0
    for export in ExportRequest.objects.filter(status=Status.READY, expires_at__lte=now):
        if export.file:
            export.file.delete(save=False)
        export.status = Status.EXPIRED
        export.size = 0
        export.save(update_fields=["file", "status", "size"])
        expired += 1
    _give_up_stale(ExportRequest.objects.all())
    return expired
