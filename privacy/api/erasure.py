"""Deleting one's account through the API: ask for it (POST), see where it stands (GET)."""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy.models import ErasureRequest
from privacy.services.erasure import erasure_for, erasure_request


class ErasureView(APIView):
    """The signed-in person's account deletion."""

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(
            required=False,
            allow_blank=True,
            trim_whitespace=False,
            style={"input_type": "password"},
            help_text="Your password. Or send `code` instead.",
        )
        code = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=20,
            help_text="A current code from your authenticator app, if two-factor is on.",
        )

    class OutputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=["none", *ErasureRequest.Status.values],
            help_text="`none` when deletion was never asked for; else the latest request's.",
        )
        requested_at = serializers.DateTimeField(allow_null=True)
        purge_after = serializers.DateTimeField(
            allow_null=True, help_text="When the account and its data are purged for good."
        )
        cancelled_at = serializers.DateTimeField(allow_null=True)
        grace_days = serializers.IntegerField(
            help_text="Days between the request and the purge; signing in again in that time "
            "cancels it."
        )

    def _state(self, erasure: ErasureRequest | None) -> dict:
        return self.OutputSerializer(
            {
                "status": erasure.status if erasure else "none",
                "requested_at": erasure.requested_at if erasure else None,
                "purge_after": erasure.purge_after if erasure else None,
                "cancelled_at": erasure.cancelled_at if erasure else None,
                "grace_days": settings.ERASURE_GRACE_DAYS,
            }
        ).data

    @extend_schema(responses=OutputSerializer, operation_id="privacy_erasure_read")
    def get(self, request):
        """Whether your account's deletion was asked for, and when it was or will be purged."""
        return Response(self._state(erasure_for(request.user)))

    @extend_schema(
        request=InputSerializer,
        responses={
            202: OutputSerializer,
            400: OpenApiResponse(
                description="Neither password nor code (`reauthentication_required`), or the "
                "one given is not right (`wrong_secret`); nothing changes."
            ),
            409: OpenApiResponse(description="Deletion is already scheduled."),
            429: OpenApiResponse(description="Too many wrong attempts; wait and try again."),
        },
        operation_id="privacy_erasure_request",
    )
    def post(self, request):
        """Delete your account. Confirm with your password, or a current two-factor code.

        At once: the account is deactivated, every session and API token (this one too) ends,
        every consent is withdrawn. Everything else is purged after the grace period
        (`purge_after`); signing in again before then cancels the deletion."""
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        erasure = erasure_request(
            user=request.user,
            password=serializer.validated_data.get("password", ""),
            code=serializer.validated_data.get("code", ""),
            request=request,
        )
        return Response(self._state(erasure), status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    path("erasure/", ErasureView.as_view(), name="api-privacy-erasure"),
]
