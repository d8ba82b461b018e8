from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"

    def ready(self) -> None:
        from marketplace import (
            demo,  # noqa: F401 - listings, deals and reviews for `manage.py seed_demo`
            personal_data,
        )

        personal_data.register()
