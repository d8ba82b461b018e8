from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from privacy.audit import audit_admin_action

        post_save.connect(audit_admin_action, sender=LogEntry, dispatch_uid="privacy.audit_admin")
        # Every link to a person says how it is exported and erased (privacy/personal_data/).
        from privacy import (
            personal_data,  # noqa: F401
            signals,  # noqa: F401 - consent versions move with consent rows
        )
