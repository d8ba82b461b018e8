"""Data exports, asked for and built through the exports service."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from privacy.models import ExportRequest
from privacy.services.exports import export_build, export_request


def make_export(someone: User, *, ready: bool = True, expired: bool = False) -> ExportRequest:
    """`someone` asks for a copy of their data (`export_request`); unless `ready=False` it is
    built as the queued task builds it (`export_build`: the zip and all), else it stays pending.

    Trait `expired`: its expiry is moved a minute into the past, as time alone does: tests of an
    expired download want the file still there, before `exports_expire` deletes it."""
    export = export_request(user=someone)
    if ready:
        export_build(export_id=export.pk)
        export.refresh_from_db()
    if expired:
        export.expires_at = timezone.now() - timedelta(minutes=1)
        export.save(update_fields=["expires_at"])
    return export
