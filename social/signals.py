from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from social.models import SocialSettings
from social.services.circles import circles_create_defaults


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="social.new_person")
def set_up_new_person(sender, instance, created: bool, raw: bool, **kwargs) -> None:
    """Everyone starts with Family, Close friends and Work, and private-leaning settings."""
    if created and not raw:
        circles_create_defaults(owner=instance)
        SocialSettings.objects.get_or_create(user=instance)
