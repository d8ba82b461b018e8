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

        from django.db.models.signals import post_delete, post_save

        from marketplace.models import Brand, Category, ProductModel
        from recommendations.social_search import catalog_changed
        from social.models import Topic

        for model in (Topic, Category, Brand, ProductModel):
            for signal in (post_save, post_delete):
                signal.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}")
