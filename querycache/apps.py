from django.apps import AppConfig


class QueryCacheConfig(AppConfig):
    """Listed before the Bazaar apps, so the lookups are known before any of them builds a
    query."""

    name = "querycache"
    verbose_name = "Query cache"

    def ready(self) -> None:
        from querycache import lookups

        lookups.register()
