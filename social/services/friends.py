"""Friend requests and friendships.

A friendship is two directed `Friendship` rows written together; every function here keeps
that invariant. Rules that say no raise `DomainError` with a message for the person. The network
versions move with the rows (`social/signals.py`), except after the bulk writes below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from social.audience import friendships_changed, networks_changed
from social.models import Block, CircleMembership, FriendRequest, Friendship
from social.services.notifications import notify

if TYPE_CHECKING:
    from accounts.models import User


def are_friends(a: User | int, b: User | int) -> bool:
    return Friendship.objects.filter(user=a, friend=b).exists()


def blocked_either_way(a: User | int, b: User | int) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


@transaction.atomic
def friend_request_send(*, sender: User, recipient: User) -> FriendRequest:
    """Ask `recipient` to be friends. Raises DomainError for yourself, an existing friend, a
    pending request either way, a blocked pair, or an account that is not active."""
    if sender.pk == recipient.pk:
        raise DomainError("You can't send a friend request to yourself.", code="self")
    if not recipient.is_active or blocked_either_way(sender, recipient):
        # The same answer for "blocked" and "gone": a block is never revealed.
        raise NotAllowed("You can't send a friend request to this person.", code="unavailable")
    if are_friends(sender, recipient):
        raise Conflict("You are already friends.", code="already_friends")
    pending = FriendRequest.objects.filter(status=FriendRequest.Status.PENDING)
    if pending.filter(from_user=recipient, to_user=sender).exists():
        raise Conflict(
            f"{recipient.display_name} already asked you: accept their request instead.",
            code="request_waiting",
        )
    if pending.filter(from_user=sender, to_user=recipient).exists():
        raise Conflict("You already sent a request to this person.", code="duplicate")
    try:
        with transaction.atomic():
            request = FriendRequest.objects.create(from_user=sender, to_user=recipient)
    except IntegrityError:
        raise Conflict("You already sent a request to this person.", code="duplicate") from None
    notify(
        recipient=recipient,
        kind="friend_request",
        actor=sender,
        text=f"{sender.display_name} sent you a friend request.",
        url=reverse("social:friend_requests"),
    )
    return request


def _pending_request_for(*, request_id: int, **who: User) -> FriendRequest:
    try:
        return FriendRequest.objects.select_for_update().get(
            pk=request_id, status=FriendRequest.Status.PENDING, **who
        )
    except FriendRequest.DoesNotExist:
        raise NotFound("This friend request is no longer waiting.", code="no_request") from None


@transaction.atomic
def friend_request_accept(*, user: User, request_id: int) -> FriendRequest:
    """Accept a request sent to `user`: both become friends at once (two directed rows)."""
    request = _pending_request_for(request_id=request_id, to_user=user)
    if blocked_either_way(request.from_user_id, user.pk):
        raise NotAllowed("You can't accept this request.", code="unavailable")
    request.status = FriendRequest.Status.ACCEPTED
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    Friendship.objects.bulk_create(
        [
            Friendship(user_id=request.from_user_id, friend_id=user.pk),
            Friendship(user_id=user.pk, friend_id=request.from_user_id),
        ],
        ignore_conflicts=True,
    )
    friendships_changed(request.from_user_id, user.pk)  # bulk_create sends no post_save
    # A request the other way is now moot.
    FriendRequest.objects.filter(
        from_user=user, to_user_id=request.from_user_id, status=FriendRequest.Status.PENDING
    ).update(status=FriendRequest.Status.CANCELLED, responded_at=timezone.now())
    notify(
        recipient=request.from_user,
        kind="request_accepted",
        actor=user,
        text=f"{user.display_name} accepted your friend request.",
        url=reverse("social:profile", args=[user.pk]),
    )
    return request


@transaction.atomic
def friend_request_decline(*, user: User, request_id: int) -> FriendRequest:
    """Decline a request sent to `user`. The sender is not told."""
    request = _pending_request_for(request_id=request_id, to_user=user)
    request.status = FriendRequest.Status.DECLINED
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return request


@transaction.atomic
def friend_request_cancel(*, user: User, request_id: int) -> FriendRequest:
    """Withdraw a request `user` sent."""
    request = _pending_request_for(request_id=request_id, from_user=user)
    request.status = FriendRequest.Status.CANCELLED
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return request


@transaction.atomic
def friendships_create(
    ties: Iterable[tuple[int, int, float, float]],
    *,
    since: Mapping[tuple[int, int], datetime] | None = None,
) -> list[Friendship]:
    """Make many friendships at once (seeding, imports) with the invariants one accepted request
    keeps: two directed rows per pair, each with its own tie strength (`a_to_b`, `b_to_a` of each
    `(a_id, b_id, a_to_b, b_to_a)`), nobody their own friend, none between people who blocked one
    another either way, nothing made twice. Moves the networks (bulk_create sends no post_save).
    `since` back-dates pairs, by `(a_id, b_id)` as given, both rows alike. Returns the rows
    written."""
    ties = [(a, b, a_to_b, b_to_a) for a, b, a_to_b, b_to_a in ties if a != b]
    people = {pk for a, b, _, _ in ties for pk in (a, b)}
    blocked = set(
        Block.objects.filter(blocker_id__in=people, blocked_id__in=people).values_list(
            "blocker_id", "blocked_id"
        )
    )
    rows = [
        row
        for a, b, a_to_b, b_to_a in ties
        if (a, b) not in blocked and (b, a) not in blocked
        for row in (
            Friendship(user_id=a, friend_id=b, tie_strength=a_to_b),
            Friendship(user_id=b, friend_id=a, tie_strength=b_to_a),
        )
    ]
    written = Friendship.objects.bulk_create(rows, ignore_conflicts=True)
    if written:
        friendships_changed(*people)
    if since:
        _backdate_friendships(since)
    return written


def _backdate_friendships(since: Mapping[tuple[int, int], datetime]) -> None:
    # Rows written with ignore_conflicts come back without ids: read them again to date them.
    dates = {**since, **{(b, a): when for (a, b), when in since.items()}}
    people = {pk for pair in since for pk in pair}
    rows = [
        row
        for row in Friendship.objects.filter(user_id__in=people, friend_id__in=people)
        if (row.user_id, row.friend_id) in dates
    ]
    for row in rows:
        row.created_at = dates[row.user_id, row.friend_id]
    Friendship.objects.bulk_update(rows, ["created_at"], batch_size=200)


def sever_ties(a_id: int, b_id: int) -> int:
    """Remove the friendship rows and each side's circle memberships of the other."""
    deleted, _ = Friendship.objects.filter(
        Q(user_id=a_id, friend_id=b_id) | Q(user_id=b_id, friend_id=a_id)
    ).delete()
    CircleMembership.objects.filter(
        Q(circle__owner_id=a_id, member_id=b_id) | Q(circle__owner_id=b_id, member_id=a_id)
    ).delete()
    return deleted


@transaction.atomic
def friendship_remove(*, user: User, friend: User) -> None:
    """Unfriend: both directions go, and each leaves the other's circles. Nobody is notified."""
    if not sever_ties(user.pk, friend.pk):
        raise NotFound("You are not friends.", code="not_friends")


# An interaction makes a tie this much stronger, as long as it is below the ceiling.
TIE_STEP = 0.1
TIE_CEILING = 10.0


@transaction.atomic
def tie_strength_raise(
    *, user: User, friend: User, amount: float = TIE_STEP, ceiling: float = TIE_CEILING
) -> None:
    """Make `user`'s tie to `friend` a little stronger (an interaction happened). Silent no-op
    when they are not friends."""
    raised = Friendship.objects.filter(user=user, friend=friend, tie_strength__lt=ceiling).update(
        tie_strength=F("tie_strength") + amount
    )
    if raised:
        networks_changed([user.pk])  # a queryset update sends no post_save


@transaction.atomic
def tie_strengths_raise(
    *, interactions: Mapping[tuple[int, int], int], amount: float = TIE_STEP
) -> list[Friendship]:
    """`tie_strength_raise` for many ties at once: each `(user_id, friend_id)` raised once per
    interaction counted, under the same ceiling (pairs that are not friends are left out).
    Strengths stay free of float dust (0.1 added ten times is 1.0). Returns the rows raised."""
    people = {pk for pair in interactions for pk in pair}
    ties = [
        tie
        for tie in Friendship.objects.filter(user_id__in=people, friend_id__in=people)
        if interactions.get((tie.user_id, tie.friend_id))
    ]
    raised = []
    for tie in ties:
        strength = tie.tie_strength
        for _ in range(interactions[tie.user_id, tie.friend_id]):
            if strength < TIE_CEILING:
                strength = round(strength + amount, 10)
        if strength != tie.tie_strength:
            tie.tie_strength = strength
            raised.append(tie)
    Friendship.objects.bulk_update(raised, ["tie_strength"], batch_size=200)
    if raised:
        networks_changed({tie.user_id for tie in raised})  # bulk_update sends no post_save
    return raised
