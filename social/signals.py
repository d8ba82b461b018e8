"""What follows from rows of the graph being written, whoever writes them (a service, the admin,
a shell, a data migration): a new person's circles and settings, and the network versions
(`social.audience.network_version`) of everyone whose network the write changed. Writes that
bypass signals (bulk creates, queryset updates) move the versions by hand where they are made."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from social.audience import friendships_changed, networks_changed, networks_including_changed
from social.models import Block, Circle, CircleMembership, Friendship
from social.services.settings import people_set_up


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="social.new_person")
def set_up_new_person(sender, instance, created: bool, raw: bool, **kwargs) -> None:
    """Everyone starts with Family, Close friends and Work, and private-leaning settings."""
    if created and not raw:
        people_set_up(users=[instance])


# --- Network versions ------------------------------------------------------------------------


@receiver(post_save, sender=Friendship, dispatch_uid="social.friendship_saved")
@receiver(post_delete, sender=Friendship, dispatch_uid="social.friendship_deleted")
def friendship_changed(sender, instance: Friendship, **kwargs) -> None:
    """Both people's networks, and their friends' (friends of friends) changed; a tie's
    strength is part of its person's network too."""
    friendships_changed(instance.user_id, instance.friend_id)


@receiver(post_save, sender=Block, dispatch_uid="social.block_saved")
@receiver(post_delete, sender=Block, dispatch_uid="social.block_deleted")
def block_changed(sender, instance: Block, **kwargs) -> None:
    networks_changed([instance.blocker_id, instance.blocked_id])


@receiver(post_save, sender=Circle, dispatch_uid="social.circle_saved")
@receiver(post_delete, sender=Circle, dispatch_uid="social.circle_deleted")
def circle_changed(sender, instance: Circle, **kwargs) -> None:
    """The owner's network (a deleted circle's members move with their memberships, deleted
    first)."""
    networks_changed([instance.owner_id])


@receiver(post_save, sender=CircleMembership, dispatch_uid="social.membership_saved")
@receiver(post_delete, sender=CircleMembership, dispatch_uid="social.membership_deleted")
def membership_changed(sender, instance: CircleMembership, **kwargs) -> None:
    """The circle's owner's network and the member's: what the owner shares with a circle (a
    consent scoped to it) reaches its members through their network."""
    networks_changed([*_owner_of(instance.circle_id, instance), instance.member_id])


@receiver(m2m_changed, sender=CircleMembership, dispatch_uid="social.circle_members")
def circle_members_added(sender, instance, action: str, pk_set, **kwargs) -> None:
    """`circle.members.add()` writes memberships in bulk, without their own signals (removing
    and clearing delete them one by one, with theirs). `members` has no reverse accessor, so
    `instance` is always the circle."""
    if action == "post_add" and pk_set:
        networks_changed([instance.owner_id, *pk_set])


def _owner_of(circle_id: int, membership: CircleMembership) -> list[int]:
    """The circle's owner, as a list: none when the circle is gone already."""
    if CircleMembership.circle.is_cached(membership):
        return [membership.circle.owner_id]
    return list(Circle.objects.filter(pk=circle_id).values_list("owner_id", flat=True))


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="social.activity_before")
def note_activity_before(sender, instance, raw: bool, update_fields=None, **kwargs) -> None:
    """Read whether the account was active before this save, when the save may change it."""
    writes_it = update_fields is None or "is_active" in update_fields
    if instance.pk is None or raw or not writes_it:
        instance._was_active = None
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list("is_active", flat=True)
    instance._was_active = stored.first()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="social.activity_changed")
def activity_changed(sender, instance, created: bool, **kwargs) -> None:
    """An account suspended or restored (a moderator, the admin's checkbox, an erasure requested
    or cancelled): every network that includes the person shows it from the next request."""
    was_active = getattr(instance, "_was_active", None)
    if not created and was_active is not None and was_active != instance.is_active:
        networks_including_changed(instance.pk)
