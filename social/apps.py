from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Social graph"

    def ready(self) -> None:
        from social import security_signals, signals  # noqa: F401 - default circles, notices
