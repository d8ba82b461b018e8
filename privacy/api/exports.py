"""Exports API: ask for a copy of your data, list your exports, download a ready one.

The same service as the pages. Only the owner ever reaches an export (404 for anyone else,
staff included); a second request the same day is a 409; an expired or unfinished export's
download is a 410 with the reason.
"""

from __future__ import annotations

from django.http import FileResponse
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy.services import exports as service

ERROR = inline_serializer(
    "ExportError",
    {
        "error": inline_serializer(
            "ExportErrorBody", {"code": serializers.CharField(), "message": serializers.CharField()}
        )
    },
)


class ExportSerializer(serializers.Serializer):
    token = serializers.UUIDField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    size = serializers.IntegerField()
    error = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, export) -> str | None:
        if not service.is_downloadable(export):
            return None
        url = reverse("api-privacy-export-download", args=[export.token])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ExportsView(APIView):
    @extend_schema(responses=ExportSerializer(many=True), operation_id="privacy_exports_list")
    def get(self, request):
        """Your data exports, newest first, each with its state and, when ready, its link."""
        rows = service.exports_of(request.user)[:50]
        return Response(ExportSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        request=None,
        responses={201: ExportSerializer, 409: OpenApiResponse(ERROR, "One export a day.")},
        operation_id="privacy_exports_request",
    )
    def post(self, request):
        """Ask for a copy of your data. Built in the background; one a day."""
        export = service.export_request(user=request.user, request=request)
        return Response(
            ExportSerializer(export, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ExportDownloadView(APIView):
    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            404: OpenApiResponse(ERROR, "Not one of your exports."),
            410: OpenApiResponse(ERROR, "Expired, failed, or not ready yet."),
        },
        operation_id="privacy_exports_download",
    )
    def get(self, request, token):
        """The export's zip, while it is ready and not expired. Only for its owner."""
        export, handle = service.export_download(user=request.user, token=token, request=request)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"bazaar-export-{export.created_at:%Y-%m-%d}.zip",
            content_type="application/zip",
        )
        response.headers["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("exports/", ExportsView.as_view(), name="api-privacy-exports"),
    path(
        "exports/<uuid:token>/download/",
        ExportDownloadView.as_view(),
        name="api-privacy-export-download",
    ),
]
