from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts.profile_for_new_user")
def create_profile_for_new_user(sender, instance: User, created: bool, raw: bool, **kwargs) -> None:
    """Every user has exactly one profile from the moment they exist."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
