"""What queues an incremental influence run: a review, a purchase, a helpful vote, a friendship
(or block) or an `influence` consent changing. A burst of events makes one run.

The first event takes a cache key for `COALESCE_SECONDS` and queues the run that long later;
events while the key is held are already covered by that run, because it reads the data only when
it starts, after the key has expired. An event after the key expired queues the next run.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

COALESCE_SECONDS = 30
QUEUED_KEY = "recommendations:influence-incremental-queued"


def schedule_incremental() -> bool:
    """Queue an incremental run unless one is already queued. True when this call queued it."""
    from django.core.cache import cache

    from recommendations.tasks import influence_incremental

    if not cache.add(QUEUED_KEY, 1, timeout=COALESCE_SECONDS):
        return False
    influence_incremental.apply_async(countdown=COALESCE_SECONDS)
    return True


def _on_change(sender, instance, **kwargs) -> None:
    transaction.on_commit(schedule_incremental)


def _on_consent_change(sender, instance, **kwargs) -> None:
    from privacy.purposes import Purpose

    if instance.purpose == Purpose.INFLUENCE:
        transaction.on_commit(schedule_incremental)


def connect() -> None:
    from marketplace.models import HelpfulVote, Purchase, Review
    from privacy.models import ConsentState
    from social.models import Block, FriendRequest, Friendship

    # Friendships are written in bulk (no post_save): their accepted request says it instead.
    for model in (Review, Purchase, HelpfulVote, Friendship, FriendRequest, Block):
        uid = f"influence-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
    post_save.connect(
        _on_consent_change, sender=ConsentState, dispatch_uid="influence-consent-save"
    )
    post_delete.connect(
        _on_consent_change, sender=ConsentState, dispatch_uid="influence-consent-delete"
    )
