"""Staff views of the derived recommendation tables: read-only, since runs write them."""

from __future__ import annotations

from django.contrib import admin

from config.admin import LedgerAdmin
from recommendations.models import InfluenceRun, InfluenceScore


@admin.register(InfluenceRun)
class InfluenceRunAdmin(LedgerAdmin):
    list_display = [
        "pk",
        "kind",
        "graph",
        "status",
        "started_at",
        "finished_at",
        "people",
        "edges",
        "rescored",
        "duration_seconds",
    ]
    list_filter = ["status", "kind", "graph"]
    readonly_fields = [field.name for field in InfluenceRun._meta.fields]


@admin.register(InfluenceScore)
class InfluenceScoreAdmin(LedgerAdmin):
    list_display = ["person", "category", "expertise", "one_hop", "two_hop", "score", "run"]
    list_filter = ["category"]
    list_select_related = ["person", "category", "run"]
    raw_id_fields = ["person", "run"]
    readonly_fields = [field.name for field in InfluenceScore._meta.fields]
