"""Blocks: shutting someone out completely. Both people's network versions move with the block's
row (`social/signals.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.errors import DomainError, NotFound
from social.models import Block, FriendRequest
from social.services.friends import sever_ties

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> Block:
    """Block `blocked`: the friendship, pending requests and circle memberships between the two
    go at once, and from then on neither sees the other anywhere (the audience policy)."""
    if blocker.pk == blocked.pk:
        raise DomainError("You can't block yourself.", code="self")
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    sever_ties(blocker.pk, blocked.pk)
    FriendRequest.objects.filter(
        Q(from_user=blocker, to_user=blocked) | Q(from_user=blocked, to_user=blocker),
        status=FriendRequest.Status.PENDING,
    ).update(status=FriendRequest.Status.CANCELLED, responded_at=timezone.now())
    return block


@transaction.atomic
def block_remove(*, blocker: User, blocked: User) -> None:
    """Unblock. Nothing that the block removed comes back by itself."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    if not deleted:
        raise NotFound("You have not blocked this person.", code="not_blocked")
