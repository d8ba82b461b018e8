"""Export pages: ask for a copy of your data, watch it being prepared, download it.

Thin: reads and writes go through privacy.services.exports; a refusal becomes a message (or an
htmx error event), never a 500. Only the owner ever reaches an export: anyone else gets a 404,
staff included.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import refusal_redirects
from privacy.services import exports as service


def _context(request) -> dict:
    return {
        "exports": list(service.exports_of(request.user)[:20]),
        "ttl_days": settings.EXPORT_TTL_DAYS,
    }


def _list(request):
    return render(request, "privacy/exports/_list.html", _context(request))


@require_http_methods(["GET", "POST"])
@refusal_redirects("privacy:exports", htmx=_list)
def exports(request):
    """The person's exports, newest first, and the button to ask for a new one."""
    if request.method == "POST":
        service.export_request(user=request.user, request=request)
        if request.htmx:
            return _list(request)
        messages.success(
            request, "Your export is being prepared. We will tell you when it is ready."
        )
        return redirect("privacy:exports")
    return render(request, "privacy/exports/exports.html", _context(request))


@require_GET
def export_row(request, token):
    """One export's row: polled by htmx while the export is being prepared."""
    export = service.export_of(user=request.user, token=token)  # NotFound: the 404 page
    return render(
        request,
        "privacy/exports/_row.html",
        {"export": export, "ttl_days": settings.EXPORT_TTL_DAYS},
    )


@require_GET
def export_download(request, token):
    """The zip, as an attachment, for its owner while it is ready and not expired."""
    try:
        export, handle = service.export_download(user=request.user, token=token, request=request)
    except service.ExportGone as error:
        return render(
            request, "privacy/exports/gone.html", {"message": error.message}, status=error.status
        )
    filename = f"bazaar-export-{export.created_at:%Y-%m-%d}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("exports/", exports, name="exports"),
    path("exports/<uuid:token>/", export_row, name="export_row"),
    path("exports/<uuid:token>/download/", export_download, name="export_download"),
]
