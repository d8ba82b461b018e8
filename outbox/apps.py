from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Tasks waiting for the broker (see outbox.services). Listed before the Bazaar apps: every
    one of them queues its tasks through it."""

    name = "outbox"
    verbose_name = "Task outbox"
