"""What queues an incremental influence run, and what it will have to recompute.

Each relevant change writes an `InfluenceChange` row in its own transaction:

- a review, a purchase, a helpful vote, a `social_proof` consent (whose scope decides whether
  purchases count, see `recommendations.expertise`) or a deleted circle: that person's expertise
  changed (the review's author for a vote, the circle's owner), so the next run rescores that
  person alone from their stored reach;
- a friendship, a friend request, a block or an `influence` consent: the graph changed, so the
  next run computes everyone's reach again.

Then, once the change is committed, an incremental run is queued unless one already is: the first
event takes a cache key for `COALESCE_SECONDS` and queues the run that long later; events while the
key is held are covered by that run, because it reads the changes only when it starts, after the
key has expired. An event after the key expired queues the next run. A change whose run never
comes (a lost queue, a killed worker) is still in the table for the next run, incremental or
nightly.

Tie strengths rise a little with every interaction (`social.services.friends.tie_strength_raise`,
a bulk update): those reach the scores at the nightly full run instead of each making the next run
read the whole graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

if TYPE_CHECKING:
    from privacy.models import ConsentState
    from social.models import Circle, FriendRequest

COALESCE_SECONDS = 30
QUEUED_KEY = "recommendations:influence-incremental-queued"


def schedule_incremental() -> bool:
    """Queue an incremental run unless one is already queued. True when this call queued it."""
    from django.core.cache import cache

    from outbox.services import enqueue
    from recommendations.tasks import influence_incremental

    if not cache.add(QUEUED_KEY, 1, timeout=COALESCE_SECONDS):
        return False
    enqueue(influence_incremental, countdown=COALESCE_SECONDS)
    return True


def changed(*, person: int | None = None, graph: bool = False) -> None:
    """Note a change the scores depend on (in the caller's transaction) and queue a run."""
    from recommendations.models import InfluenceChange

    if person is None and not graph:
        return
    InfluenceChange.objects.create(person=person, graph=graph)
    transaction.on_commit(schedule_incremental)


def _expertise_of(instance: Model) -> int | None:
    from marketplace.models import HelpfulVote, Purchase, Review

    if isinstance(instance, Review):
        return instance.author_id
    if isinstance(instance, Purchase):
        return instance.buyer_id
    if isinstance(instance, HelpfulVote):
        # The vote counts for the review's author; gone with its review, the review said so.
        return (
            Review.objects.filter(pk=instance.review_id).values_list("author_id", flat=True).first()
        )
    return None


def _on_expertise_change(sender: type[Model], instance: Model, **kwargs: object) -> None:
    person = _expertise_of(instance)
    if person is not None:
        changed(person=person)


def _on_circle_deleted(sender: type[Circle], instance: Circle, **kwargs: object) -> None:
    # A deleted circle leaves the owner's reviews and grants that named it: what they share with
    # their whole `influence` scope, and so their expertise, may change.
    changed(person=instance.owner_id)


def _on_graph_change(sender: type[Model], instance: Model, **kwargs: object) -> None:
    changed(graph=True)


def _on_request_change(
    sender: type[FriendRequest], instance: FriendRequest, created: bool = False, **kwargs: object
) -> None:
    # A request changes the graph when accepted (it writes the friendship rows in bulk).
    if instance.status == sender.Status.ACCEPTED:
        changed(graph=True)


def _on_consent_change(
    sender: type[ConsentState], instance: ConsentState, **kwargs: object
) -> None:
    from privacy.purposes import Purpose

    if instance.purpose == Purpose.INFLUENCE:
        changed(graph=True)
    elif instance.purpose == Purpose.SOCIAL_PROOF:
        # Whether the person's purchases count in their expertise depends on its scope.
        changed(person=instance.user_id)


def connect() -> None:
    from marketplace.models import HelpfulVote, Purchase, Review
    from privacy.models import ConsentState
    from social.models import Block, Circle, FriendRequest, Friendship

    def both(receiver: Callable[..., None], model: type[Model], uid: str) -> None:
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")

    for model in (Review, Purchase, HelpfulVote):
        both(_on_expertise_change, model, f"influence-{model._meta.label_lower}")
    for graph in (Friendship, Block):
        both(_on_graph_change, graph, f"influence-{graph._meta.label_lower}")
    # Friendships are written in bulk (no post_save): their accepted request says it instead.
    post_save.connect(_on_request_change, sender=FriendRequest, dispatch_uid="influence-request")
    both(_on_consent_change, ConsentState, "influence-consent")
    post_delete.connect(_on_circle_deleted, sender=Circle, dispatch_uid="influence-circle")
