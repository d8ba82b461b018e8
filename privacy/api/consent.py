"""The consent API: the purposes and their notices, granting, withdrawing, one's own ledger and
usage log. Every answer is about the person asking; nobody reads another's consents here.

The same services as the pages, recorded in the ledger with method `api`. Bad input is a 4xx in
the one error body and changes nothing.
"""

from __future__ import annotations

import json

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ids import IdField
from privacy import dashboard
from privacy.models import ConsentRecord
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant, consent_withdraw

DETAILS_MAX_CHARS = 2000  # the JSON of a grant's details; they hold choices, not documents


# --- Shapes ---------------------------------------------------------------------------------


class NoticeSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    summary = serializers.CharField()
    text = serializers.CharField()
    sha256 = serializers.CharField()


class CircleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class ConsentStateSerializer(serializers.Serializer):
    """The standing grant of a purpose's view (`view.state`), with the circles it names."""

    scope = serializers.ChoiceField(
        source="state.scope",
        choices=Scope.choices,
        allow_blank=True,
        help_text="Blank for a purpose for you alone (personalization, offers).",
    )
    circles = CircleRefSerializer(many=True)
    details = serializers.DictField(source="state.details")
    granted_at = serializers.DateTimeField(source="state.granted_at")


class PurposeSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices, source="value")
    # A declared field (DRF takes it off the class); the stubs read it as `Field.label`.
    label = serializers.CharField()  # type: ignore[assignment]
    notice = NoticeSerializer()
    granted = serializers.BooleanField()
    state = serializers.SerializerMethodField()

    @extend_schema_field(ConsentStateSerializer(allow_null=True))
    def get_state(self, view) -> dict | None:
        if view.state is None:
            return None
        return ConsentStateSerializer(view).data


class GrantSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    scope = serializers.ChoiceField(
        choices=Scope.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Who it is for. Leave it out for a purpose for you alone (personalization, "
        "offers); required for the others.",
    )
    circles = serializers.ListField(child=IdField(), required=False, default=list, max_length=100)
    details = serializers.DictField(required=False, default=dict)

    def validate_details(self, value: dict) -> dict:
        if len(json.dumps(value)) > DETAILS_MAX_CHARS:
            raise serializers.ValidationError(
                f"Keep the details under {DETAILS_MAX_CHARS} characters of JSON."
            )
        return value


class RecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentRecord
        fields = [
            "id",
            "purpose",
            "action",
            "scope",
            "circle_ids",
            "details",
            "notice_version",
            "notice_sha256",
            "method",
            "created_at",
        ]


class UsageRowSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    # A declared field (DRF takes it off the class); the stubs read it as `Field.label`.
    label = serializers.CharField()  # type: ignore[assignment]
    day = serializers.DateField()
    count = serializers.IntegerField()


class UsageDayPurposeSerializer(serializers.Serializer):
    purpose = serializers.CharField(source="purpose.value")
    count = serializers.IntegerField()


class UsageDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    purposes = UsageDayPurposeSerializer(source="by_purpose", many=True)


class UsageSerializer(serializers.Serializer):
    today = UsageRowSerializer(many=True)
    recent_days = UsageDaySerializer(many=True)


# --- Operations -----------------------------------------------------------------------------


def _purposes_data(user) -> list[dict]:
    # `many=True` makes a ListSerializer, whose data is a list; the stubs do not follow `many`.
    return PurposeSerializer(dashboard.purpose_views(user), many=True).data  # type: ignore[return-value]


class PurposesView(APIView):
    @extend_schema(responses=PurposeSerializer(many=True), operation_id="privacy_purposes_list")
    def get(self, request):
        """Every purpose your data may be used for: its notice (the text you grant on, with its
        version and hash) and whether you have granted it, to whom."""
        return Response(_purposes_data(request.user))


class ConsentsView(APIView):
    @extend_schema(
        request=GrantSerializer,
        responses={201: PurposeSerializer},
        operation_id="privacy_consents_grant",
    )
    def post(self, request):
        """Grant a purpose to a scope (friends, friends of friends, or chosen circles of yours).
        Granting again changes the scope. Recorded in your consent ledger with the notice."""
        body = GrantSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        consent_grant(
            user=request.user,
            purpose=data["purpose"],
            scope=data["scope"],
            circle_ids=data["circles"],
            details=data["details"],
            method=ConsentRecord.Method.API,
            request=request,
        )
        view = dashboard.purpose_view(request.user, data["purpose"])
        return Response(PurposeSerializer(view).data, status=status.HTTP_201_CREATED)


class ConsentView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="privacy_consents_withdraw")
    def delete(self, request, purpose: str):
        """Withdraw a purpose. Effective for the very next request; 404 if it was not granted."""
        consent_withdraw(
            user=request.user, purpose=purpose, method=ConsentRecord.Method.API, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConsentHistoryView(APIView):
    @extend_schema(responses=RecordSerializer(many=True), operation_id="privacy_consents_history")
    def get(self, request):
        """Your whole consent ledger, newest first: every grant and withdrawal, with the notice
        version and where it was made."""
        return Response(RecordSerializer(dashboard.consent_history(request.user), many=True).data)


class UsageView(APIView):
    @extend_schema(responses=UsageSerializer, operation_id="privacy_usage")
    def get(self, request):
        """How your data was used: today's counts per purpose and use, and totals per purpose
        for each of the 13 days before, newest first (days without use left out). Only counts
        are kept, never who saw what."""
        return Response(UsageSerializer(dashboard.usage(request.user)).data)


urlpatterns = [
    path("purposes/", PurposesView.as_view(), name="api-privacy-purposes"),
    path("consents/", ConsentsView.as_view(), name="api-privacy-consents"),
    path("consents/history/", ConsentHistoryView.as_view(), name="api-privacy-consents-history"),
    path("consents/<str:purpose>/", ConsentView.as_view(), name="api-privacy-consent"),
    path("usage/", UsageView.as_view(), name="api-privacy-usage"),
]
