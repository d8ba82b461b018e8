from django.contrib import admin

from outbox.models import QueuedTask


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """Read only: what waits for the broker, how often it was tried and why it failed."""

    list_display = ["name", "created_at", "tries", "last_error"]
    list_filter = ["name"]
    readonly_fields = ["name", "args", "kwargs", "countdown", "created_at", "tries", "last_error"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
