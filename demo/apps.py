from importlib import import_module

from django.apps import AppConfig

# Each module registers its seed steps on import, and this order is the order they run in: people
# first, then their friendships and posts, what they sell, and their consents.
STEP_MODULES = (
    "demo.people",
    "demo.network",
    "demo.posts",
    "demo.listings",
    "demo.reviews",
    "demo.watching",
    "demo.consents",
    "demo.brands",
)


class DemoConfig(AppConfig):
    """The demo community and `manage.py seed_demo` / `demo_logins`: development and tests only.

    Installed when `settings.DEMO` is true (the default outside production); production does not
    install it, so its commands and data do not exist there.
    """

    name = "demo"
    verbose_name = "Demo community"

    def ready(self) -> None:
        for module in STEP_MODULES:
            import_module(module)
