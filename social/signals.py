from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from social.services.circles import circles_create_defaults


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="social.default_circles")
def give_new_people_their_circles(sender, instance, created: bool, raw: bool, **kwargs) -> None:
    """Everyone starts with Family, Close friends and Work."""
    if created and not raw:
        circles_create_defaults(owner=instance)
