from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self) -> None:
        from marketplace.signals import listing_viewed
        from recommendations import personal, personal_data

        personal_data.register()
        listing_viewed.connect(
            personal.on_listing_viewed, dispatch_uid="recommendations.record_view"
        )

        from recommendations import influence_events

        influence_events.connect()

        from recommendations import (  # noqa: F401 - consents for `manage.py seed_demo`
            demo,
        )
