"""Reports API: report a listing, review, post, comment, message or person you can see, and read
your own reports with their outcome; read what a moderator hid of yours and why, and appeal it
once. Moderation itself happens in the admin."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.models import Appeal, ModerationDecision, Report
from marketplace.selectors.reports import access_decision, decisions_of, reports_by
from marketplace.services import appeals as appeal_services
from marketplace.services import reports as services


class ReportCreateSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=sorted(services.KINDS))
    target_id = serializers.IntegerField()
    reason = serializers.CharField(help_text=f"One of: {', '.join(Report.Reason.values)}.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "target_type",
            "target_id",
            "target",
            "reason",
            "note",
            "status",
            "resolution",
            "created_at",
            "resolved_at",
        ]
        extra_kwargs = {"target_id": {"source": "object_id"}}

    def get_target_type(self, report) -> str:
        kind = next(
            (
                k
                for k in services.KINDS.values()
                if k.model._meta.model_name == report.content_type.model
            ),
            None,
        )
        return kind.name if kind else report.content_type.model

    def get_target(self, report) -> str:
        """A short name of what was reported."""
        return services.describe(report.target)


class ReportsView(APIView):
    @extend_schema(responses=ReportSerializer(many=True), operation_id="market_my_reports")
    def get(self, request):
        """Your reports, newest first, with what the moderators did."""
        rows = reports_by(request.user)
        return Response(ReportSerializer(rows, many=True).data)

    @extend_schema(
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
        operation_id="market_report_create",
    )
    def post(self, request):
        """Report something you can see (not your own), once: a second report is a 409."""
        body = ReportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        target = services.report_target(
            reporter=request.user, kind=data["target_type"], object_id=data["target_id"]
        )
        report = services.report_create(
            reporter=request.user, target=target, reason=data["reason"], note=data["note"]
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = ["text", "outcome", "created_at", "decided_at"]


class DecisionSerializer(serializers.ModelSerializer):
    what = serializers.SerializerMethodField(help_text="What was hidden, named shortly.")
    in_force = serializers.SerializerMethodField(
        help_text="True while the thing stays hidden; false once a moderator restored it."
    )
    appeal = serializers.SerializerMethodField()

    class Meta:
        model = ModerationDecision
        fields = ["id", "what", "reason", "in_force", "created_at", "lifted_at", "appeal"]

    def get_what(self, decision) -> str:
        return services.describe(decision.target)

    def get_in_force(self, decision) -> bool:
        return decision.lifted_at is None

    @extend_schema_field(AppealSerializer(allow_null=True))
    def get_appeal(self, decision):
        appeal = decision.appeal_or_none
        return AppealSerializer(appeal).data if appeal else None


class AppealIn(serializers.Serializer):
    text = serializers.CharField(
        max_length=Appeal.TEXT_MAX_LENGTH,
        help_text="Why the moderators should change their decision. One appeal per decision.",
    )


class DecisionsView(APIView):
    @extend_schema(responses=DecisionSerializer(many=True), operation_id="market_my_decisions")
    def get(self, request):
        """What moderators hid of yours, newest first: the reason, and your appeal's outcome."""
        return Response(DecisionSerializer(decisions_of(request.user), many=True).data)


class DecisionView(APIView):
    @extend_schema(responses=DecisionSerializer, operation_id="market_decision")
    def get(self, request, decision_id: int):
        """One decision on something of yours; a 404 for anyone else's."""
        return Response(DecisionSerializer(access_decision(request.user, decision_id)).data)


class AppealView(APIView):
    @extend_schema(
        request=AppealIn, responses={201: DecisionSerializer}, operation_id="market_appeal"
    )
    def post(self, request, decision_id: int):
        """Appeal the decision, once: it joins the moderators' queue and you are told the
        outcome. A second appeal, or one on something visible again, is a 409."""
        decision = access_decision(request.user, decision_id)
        body = AppealIn(data=request.data)
        body.is_valid(raise_exception=True)
        appeal_services.appeal_create(
            owner=request.user, decision=decision, text=body.validated_data["text"]
        )
        decision = access_decision(request.user, decision_id)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("reports/", ReportsView.as_view(), name="api-market-reports"),
    path("moderation/", DecisionsView.as_view(), name="api-market-decisions"),
    path("moderation/<int:decision_id>/", DecisionView.as_view(), name="api-market-decision"),
    path("moderation/<int:decision_id>/appeal/", AppealView.as_view(), name="api-market-appeal"),
]
