from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self) -> None:
        from recommendations import personal_data

        personal_data.register()

        from recommendations import influence_events

        influence_events.connect()

        from recommendations import (  # noqa: F401 - consents for `manage.py seed_demo`
            demo,
        )
