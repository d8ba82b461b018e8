"""Staff views of the derived recommendation tables: read-only, since runs write them."""

from __future__ import annotations

from django.contrib import admin

from recommendations.models import InfluenceRun, InfluenceScore


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InfluenceRun)
class InfluenceRunAdmin(ReadOnlyAdmin):
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
class InfluenceScoreAdmin(ReadOnlyAdmin):
    list_display = ["person", "category", "expertise", "one_hop", "two_hop", "score", "run"]
    list_filter = ["category"]
    list_select_related = ["person", "category", "run"]
    raw_id_fields = ["person", "run"]
    readonly_fields = [field.name for field in InfluenceScore._meta.fields]
