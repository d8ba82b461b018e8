"""Privacy in the admin: staff read the audit log and the consent ledger; nobody edits them.
Export files are not reachable from here: staff see that an export exists, never its content."""

from __future__ import annotations

from django.contrib import admin

from config.admin import LedgerAdmin
from privacy.models import AuditEvent, ConsentRecord, ErasureRequest, ExportRequest


@admin.register(AuditEvent)
class AuditEventAdmin(LedgerAdmin):
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
class ConsentRecordAdmin(LedgerAdmin):
    list_display = ["created_at", "subject", "purpose", "action", "scope", "method"]
    list_filter = ["purpose", "action", "method"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"


@admin.register(ExportRequest)
class ExportRequestAdmin(LedgerAdmin):
    list_display = ["created_at", "user", "status", "size", "expires_at"]
    list_filter = ["status"]
    # The file itself is never shown: staff may see that an export exists, not what is in it.
    fields = readonly_fields = (
        "user",
        "status",
        "size",
        "error",
        "created_at",
        "finished_at",
        "expires_at",
    )


@admin.register(ErasureRequest)
class ErasureRequestAdmin(LedgerAdmin):
    list_display = ["requested_at", "subject", "status", "purge_after", "completed_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
