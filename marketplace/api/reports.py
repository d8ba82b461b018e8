"""Reports API: report a listing, review, post, comment, message or person you can see, and read
your own reports with their outcome. Moderation itself happens in the admin."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.models import Report
from marketplace.selectors.reports import reports_by
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


urlpatterns = [path("reports/", ReportsView.as_view(), name="api-market-reports")]
