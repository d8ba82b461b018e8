"""Friend requests, friendships, circles and blocks: the rules and the bad inputs."""

from __future__ import annotations

import pytest

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from social.models import Circle, CircleMembership, FriendRequest, Friendship, Notification
from social.services import blocks, circles, friends
from tests.factories import PersonFactory


def rows(model):
    return model.objects.count()


def test_a_friendship_is_two_directed_rows_and_notifies(owner, stranger):
    request = friends.friend_request_send(sender=owner, recipient=stranger)
    assert Notification.objects.filter(recipient=stranger, kind="friend_request").exists()
    friends.friend_request_accept(user=stranger, request_id=request.pk)
    assert set(Friendship.objects.values_list("user_id", "friend_id")) == {
        (owner.pk, stranger.pk),
        (stranger.pk, owner.pk),
    }
    assert Notification.objects.filter(recipient=owner, kind="request_accepted").exists()


@pytest.mark.parametrize("case", ["self", "duplicate", "already_friends", "reverse_pending"])
def test_bad_requests_are_refused_and_change_nothing(owner, stranger, case):
    if case == "duplicate":
        friends.friend_request_send(sender=owner, recipient=stranger)
    if case == "reverse_pending":
        friends.friend_request_send(sender=stranger, recipient=owner)
    if case == "already_friends":
        request = friends.friend_request_send(sender=owner, recipient=stranger)
        friends.friend_request_accept(user=stranger, request_id=request.pk)
    before = (rows(FriendRequest), rows(Friendship), rows(Notification))
    recipient = owner if case == "self" else stranger
    with pytest.raises(DomainError) as error:
        friends.friend_request_send(sender=owner, recipient=recipient)
    assert error.value.message
    assert (rows(FriendRequest), rows(Friendship), rows(Notification)) == before


def test_request_to_someone_who_blocked_you_is_refused_without_saying_why(owner, stranger):
    blocks.block_create(blocker=stranger, blocked=owner)
    with pytest.raises(NotAllowed) as error:
        friends.friend_request_send(sender=owner, recipient=stranger)
    assert "block" not in error.value.message.lower()
    assert not FriendRequest.objects.exists()


def test_decline_cancel_and_strangers_cannot_answer(owner, stranger):
    other = PersonFactory.create(name="Otto Other")
    request = friends.friend_request_send(sender=owner, recipient=stranger)
    with pytest.raises(NotFound):
        friends.friend_request_accept(user=other, request_id=request.pk)
    with pytest.raises(NotFound):
        friends.friend_request_accept(user=owner, request_id=request.pk)  # the sender
    friends.friend_request_decline(user=stranger, request_id=request.pk)
    assert not Notification.objects.filter(recipient=owner).exists()  # not told
    with pytest.raises(NotFound):
        friends.friend_request_accept(user=stranger, request_id=request.pk)
    again = friends.friend_request_send(sender=owner, recipient=stranger)
    friends.friend_request_cancel(user=owner, request_id=again.pk)
    assert FriendRequest.objects.get(pk=again.pk).status == FriendRequest.Status.CANCELLED
    assert not Friendship.objects.exists()


def test_unfriend_removes_both_rows_and_circle_memberships(owner, stranger):
    request = friends.friend_request_send(sender=owner, recipient=stranger)
    friends.friend_request_accept(user=stranger, request_id=request.pk)
    family = Circle.objects.get(owner=owner, name="Family")
    circles.circle_memberships_set(owner=owner, friend=stranger, circle_ids=[family.pk])
    friends.friendship_remove(user=stranger, friend=owner)
    assert not Friendship.objects.exists()
    assert not CircleMembership.objects.exists()
    with pytest.raises(NotFound):
        friends.friendship_remove(user=stranger, friend=owner)


def test_everyone_starts_with_three_circles(owner):
    assert sorted(owner.circles.values_list("name", flat=True)) == [
        "Close friends",
        "Family",
        "Work",
    ]


@pytest.mark.parametrize(
    ("name", "error"),
    [("", DomainError), ("   ", DomainError), ("family", Conflict), ("x" * 51, DomainError)],
)
def test_bad_circle_names(owner, name, error):
    before = rows(Circle)
    with pytest.raises(error):
        circles.circle_create(owner=owner, name=name)
    assert rows(Circle) == before


def test_circles_rename_delete_and_privacy(owner, stranger):
    circle = circles.circle_create(owner=owner, name="Climbing")
    circles.circle_rename(owner=owner, circle_id=circle.pk, name="Climbing crew")
    with pytest.raises(Conflict):
        circles.circle_rename(owner=owner, circle_id=circle.pk, name="WORK")
    with pytest.raises(NotFound):
        circles.circle_rename(owner=stranger, circle_id=circle.pk, name="Mine now")
    with pytest.raises(NotFound):
        circles.circle_delete(owner=stranger, circle_id=circle.pk)
    assert Circle.objects.get(pk=circle.pk).name == "Climbing crew"
    circles.circle_delete(owner=owner, circle_id=circle.pk)
    assert not Circle.objects.filter(pk=circle.pk).exists()


def test_only_friends_and_own_circles_in_memberships(graph):
    owner, stranger = graph["owner"], graph["stranger"]
    with pytest.raises(DomainError):
        circles.circle_memberships_set(
            owner=owner, friend=stranger, circle_ids=[graph["family"].pk]
        )
    someone_elses = Circle.objects.filter(owner=graph["friend_a"]).first()
    with pytest.raises(DomainError):
        circles.circle_memberships_set(
            owner=owner, friend=graph["friend_b"], circle_ids=[someone_elses.pk]
        )
    assert not CircleMembership.objects.filter(member=graph["friend_b"]).exists()


def test_block_removes_friendship_requests_and_memberships(owner, stranger):
    request = friends.friend_request_send(sender=owner, recipient=stranger)
    friends.friend_request_accept(user=stranger, request_id=request.pk)
    circles.circle_memberships_set(
        owner=stranger,
        friend=owner,
        circle_ids=[Circle.objects.get(owner=stranger, name="Work").pk],
    )
    third = PersonFactory.create(name="Tess Third")
    friends.friend_request_send(sender=stranger, recipient=third)
    blocks.block_create(blocker=owner, blocked=stranger)
    assert not Friendship.objects.filter(
        user__in=[owner, stranger], friend__in=[owner, stranger]
    ).exists()
    assert not CircleMembership.objects.exists()
    assert FriendRequest.objects.filter(status=FriendRequest.Status.PENDING).count() == 1
    with pytest.raises(DomainError):
        blocks.block_create(blocker=owner, blocked=owner)
    blocks.block_remove(blocker=owner, blocked=stranger)
    with pytest.raises(NotFound):
        blocks.block_remove(blocker=owner, blocked=stranger)
    assert not Friendship.objects.exists()


def test_the_database_refuses_self_friendship_and_duplicate_pending_requests(owner, stranger):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Friendship.objects.create(user=owner, friend=owner)
    FriendRequest.objects.create(from_user=owner, to_user=stranger)
    with pytest.raises(IntegrityError), transaction.atomic():
        FriendRequest.objects.create(from_user=owner, to_user=stranger)
