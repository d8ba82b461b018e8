"""Export tasks: thin wrappers over privacy.services.exports."""

from __future__ import annotations

from celery import shared_task

from privacy.services import exports

__all__ = ["build_export", "expire_exports"]


@shared_task(name="privacy.build_export")
def build_export(export_id: int) -> str | None:
    """Build one export's zip. Returns its status, or None when it was already finished."""
    export = exports.export_build(export_id=export_id)
    return export.status if export is not None else None


@shared_task(name="privacy.expire_exports")
def expire_exports() -> int:
    """Hourly (beat): delete expired export files. Returns how many."""
    return exports.exports_expire()
