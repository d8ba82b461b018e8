"""Friendships, circles, posts, comments and notifications: exported and erased."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User
from privacy.personal_data._common import blockers_of, name_of, when
from privacy.registry import Erasure, ExportFile, ExportRow, personal_data
from social.models import (
    Block,
    Circle,
    CircleMembership,
    Comment,
    FriendRequest,
    Friendship,
    KnownDevice,
    Notification,
    NotificationPreference,
    Post,
    PostTag,
    SocialSettings,
)
from social.selectors import comments_under_posts_of

# social -----------------------------------------------------------------------------------------


def _friend_requests(user: User, *, mine: str, theirs: str, label: str) -> list[ExportRow]:
    """The person's friend requests on one side (`mine`: "from_user" or "to_user"), each naming
    the other side (`theirs`) under `label`; requests with people who blocked them left out."""
    return [
        {
            label: name_of(getattr(request, theirs)),
            "status": request.status,
            "created_at": when(request.created_at),
            "responded_at": when(request.responded_at),
        }
        for request in FriendRequest.objects.filter(**{mine: user})
        .exclude(**{f"{theirs}__in": blockers_of(user)})
        .select_related(f"{theirs}__profile")
        .order_by("created_at", "id")
    ]


def export_friend_requests_sent(user: User) -> list[ExportRow]:
    return _friend_requests(user, mine="from_user", theirs="to_user", label="to")


def export_friend_requests_received(user: User) -> list[ExportRow]:
    return _friend_requests(user, mine="to_user", theirs="from_user", label="from")


def export_friends(user: User) -> list[ExportRow]:
    return [
        {
            "friend": name_of(friendship.friend),
            "tie_strength": friendship.tie_strength,
            "since": when(friendship.created_at),
        }
        for friendship in Friendship.objects.filter(user=user)
        .select_related("friend__profile")
        .order_by("created_at", "id")
    ]


def export_blocks(user: User) -> list[ExportRow]:
    return [
        {"blocked": name_of(block.blocked), "since": when(block.created_at)}
        for block in Block.objects.filter(blocker=user)
        .select_related("blocked__profile")
        .order_by("created_at", "id")
    ]


def export_circles(user: User) -> list[ExportRow]:
    circles = Circle.objects.filter(owner=user).order_by("created_at", "id")
    memberships = (
        CircleMembership.objects.filter(circle__owner=user)
        .select_related("member__profile")
        .order_by("created_at", "id")
    )
    members: dict[int, list[ExportRow]] = {}
    for membership in memberships:
        members.setdefault(membership.circle_id, []).append(
            {"member": name_of(membership.member), "added_at": when(membership.created_at)}
        )
    return [
        {
            "name": circle.name,
            "created_at": when(circle.created_at),
            "members": members.get(circle.pk, []),
        }
        for circle in circles
    ]


def export_social_settings(user: User) -> list[ExportRow]:
    return [
        {
            "details_audience": settings_row.details_audience,
            "details_circles": [circle.name for circle in settings_row.details_circles.all()],
            "findable": settings_row.findable,
        }
        for settings_row in SocialSettings.objects.filter(user=user).prefetch_related(
            "details_circles"
        )
    ]


def export_notification_preferences(user: User) -> list[ExportRow]:
    return [
        {"group": row.group, "channel": row.channel, "updated_at": when(row.updated_at)}
        for row in NotificationPreference.objects.filter(user=user).order_by("group")
    ]


def export_known_devices(user: User) -> list[ExportRow]:
    return [
        {"browser": row.label, "first_seen": when(row.first_seen), "last_seen": when(row.last_seen)}
        for row in KnownDevice.objects.filter(user=user).order_by("first_seen", "id")
    ]


def export_posts(user: User) -> list[ExportRow]:
    """The person's posts, each with the comments under it as its author sees them there."""
    posts = (
        Post.objects.filter(author=user)
        .prefetch_related("circles", "tags")
        .order_by("created_at", "id")
    )
    comments: dict[int, list[ExportRow]] = {}
    for comment in comments_under_posts_of(user):
        comments.setdefault(comment.post_id, []).append(
            {
                "by": "you" if comment.author_id == user.pk else name_of(comment.author),
                "text": comment.text,
                "created_at": when(comment.created_at),
            }
        )
    return [
        {
            "id": post.pk,
            "text": post.text,
            "photo": f"files/{post.photo.name}" if post.photo else None,
            "audience": post.audience,
            "circles": [circle.name for circle in post.circles.all()],
            "tags": [str(tag) for tag in post.tags.all()],
            "created_at": when(post.created_at),
            "updated_at": when(post.updated_at),
            "comments": comments.get(post.pk, []),
        }
        for post in posts
    ]


def post_files(user: User) -> list[ExportFile]:
    return [
        (f"files/{post.photo.name}", post.photo)
        for post in Post.objects.filter(author=user).exclude(photo="").order_by("id")
    ]


def export_comments(user: User) -> list[ExportRow]:
    """The person's comments. Under the post of someone who blocked them, only their own words:
    neither the post nor its author."""
    blockers = set(blockers_of(user).values_list("blocker_id", flat=True))
    rows: list[ExportRow] = []
    for comment in (
        Comment.objects.filter(author=user)
        .select_related("post__author__profile")
        .order_by("created_at", "id")
    ):
        shut_out = comment.post.author_id in blockers
        rows.append(
            {
                "post_id": None if shut_out else comment.post_id,
                "post_author": None if shut_out else name_of(comment.post.author),
                "text": comment.text,
                "created_at": when(comment.created_at),
            }
        )
    return rows


def export_notifications(user: User) -> list[ExportRow]:
    return [
        {
            "kind": notification.kind,
            "text": notification.text,
            "from": name_of(notification.actor),
            "url": notification.url,
            "created_at": when(notification.created_at),
            "read_at": when(notification.read_at),
        }
        for notification in Notification.objects.filter(recipient=user)
        .exclude(Q(actor__in=blockers_of(user)) | Q(about__in=blockers_of(user)))
        .select_related("actor__profile")
        .order_by("created_at", "id")
    ]


personal_data(
    FriendRequest,
    "from_user",
    kind="friend_requests_sent",
    export=export_friend_requests_sent,
    erasure=Erasure.DELETE,
    why="A request needs both people.",
)
personal_data(
    FriendRequest,
    "to_user",
    kind="friend_requests_received",
    export=export_friend_requests_received,
    erasure=Erasure.DELETE,
    why="A request needs both people.",
)
personal_data(
    Friendship,
    "user",
    kind="friends",
    export=export_friends,
    erasure=Erasure.DELETE,
    why="A friendship needs both people; both directed rows go.",
)
personal_data(
    Friendship,
    "friend",
    kind="friends_mirror",
    not_exported="The other direction of each friendship, already listed in friends.json.",
    erasure=Erasure.DELETE,
    why="A friendship needs both people; both directed rows go.",
)
personal_data(
    Block,
    "blocker",
    kind="blocks",
    export=export_blocks,
    erasure=Erasure.DELETE,
    why="A block protects the person who made it; it goes with them.",
)
personal_data(
    Block,
    "blocked",
    kind="blocked_by",
    not_exported="Who blocked you is their decision and theirs to know.",
    erasure=Erasure.DELETE,
    why="Nothing is left to block.",
)
personal_data(
    Circle,
    "owner",
    kind="circles",
    export=export_circles,
    erasure=Erasure.DELETE,
    why="Circles are private to their owner and go with them.",
)
personal_data(
    Circle,
    "members",
    kind="circles_you_are_in",
    not_exported="Which circles others put you in is private to them.",
    erasure=Erasure.DELETE,
    why="The memberships go; the circles stay with their owners.",
)
personal_data(
    CircleMembership,
    "member",
    kind="circle_memberships",
    not_exported="Which circles others put you in is private to them.",
    erasure=Erasure.DELETE,
    why="The memberships go; the circles stay with their owners.",
)
personal_data(
    SocialSettings,
    "user",
    kind="social_settings",
    export=export_social_settings,
    erasure=Erasure.DELETE,
    why="Settings go with the person.",
)
personal_data(
    Post,
    "author",
    kind="posts",
    export=export_posts,
    files=post_files,
    erasure=Erasure.DELETE,
    why="Posts, their photos, and the comments on them go with their author.",
)
personal_data(
    PostTag,
    "author",
    kind="post_tags",
    not_exported="The topics of your posts, listed with each post in posts.json.",
    erasure=Erasure.DELETE,
    why="A tag belongs to its post and goes with it and its author.",
)
personal_data(
    Comment,
    "author",
    kind="comments",
    export=export_comments,
    erasure=Erasure.DELETE,
    why="A comment is its author's words; it goes with them.",
)
personal_data(
    Notification,
    "recipient",
    kind="notifications",
    export=export_notifications,
    erasure=Erasure.DELETE,
    why="Notifications exist only for their recipient.",
)
personal_data(
    Notification,
    "actor",
    kind="notifications_caused",
    not_exported="Notifications about what you did belong to the people who received them.",
    erasure=Erasure.DELETE,
    why="A notice naming an erased person would point at nobody.",
)
personal_data(
    Notification,
    "about",
    kind="notifications_about_you",
    not_exported="Notifications about your things (a report's outcome, a listing matching "
    "someone's saved search) belong to the people who received them.",
    erasure=Erasure.DELETE,
    why="Notices in other people's inboxes that name you or your things go with you.",
)
personal_data(
    NotificationPreference,
    "user",
    kind="notification_preferences",
    export=export_notification_preferences,
    erasure=Erasure.DELETE,
    why="Settings go with the person.",
)
personal_data(
    KnownDevice,
    "user",
    kind="known_devices",
    export=export_known_devices,
    erasure=Erasure.DELETE,
    why="Kept only to tell the person of a sign-in from a new browser.",
)
