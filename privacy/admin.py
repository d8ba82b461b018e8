"""Privacy in the admin: staff read the audit log and the consent ledger; nobody edits them.
Export files are not reachable from here: staff see that an export exists, never its content."""

from __future__ import annotations

from django.contrib import admin

from privacy.models import AuditEvent, ConsentRecord, ErasureRequest, ExportRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor_pseudonym", "subject_pseudonym", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "actor_pseudonym", "subject_pseudonym", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "action",
        "actor",
        "actor_pseudonym",
        "subject",
        "subject_pseudonym",
        "detail",
        "ip_address",
        "user_agent",
    ]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "purpose", "action", "scope", "method"]
    list_filter = ["purpose", "action", "method"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"


@admin.register(ExportRequest)
class ExportRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "status", "size", "expires_at"]
    list_filter = ["status"]
    # The file itself is never shown: staff may see that an export exists, not what is in it.
    fields = ["user", "status", "size", "error", "created_at", "finished_at", "expires_at"]
    readonly_fields = fields


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "subject", "status", "purge_after", "completed_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
