from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"

    def ready(self) -> None:
        # Every link to a person says how it is exported and erased (privacy/personal_data.py).
        from privacy import personal_data  # noqa: F401
