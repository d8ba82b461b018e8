"""The social graph: who knows whom, how they group them, who shut whom out, and what they say.

A friendship is stored as two directed rows (`Friendship(user=a, friend=b)` and its mirror), so
"friends of X" is one indexed lookup on `user` and "friends of friends of X" one self-join.
Tie strength lives on each directed row: how close `user` feels to `friend` as seen from their
interactions (later features raise it), which need not be symmetric.

Who may see a piece of content is decided in one place, `social/audience.py`; the models here
only carry the `audience` field and the chosen circles.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from config.indexes import CoveringIndex
from social.audience import Audience, AudienceQuerySet


class FriendRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_friend_requests"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_friend_requests"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_user=models.F("to_user")), name="friend_request_not_self"
            ),
            models.UniqueConstraint(
                fields=["from_user", "to_user"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["to_user", "status"])]

    def __str__(self) -> str:
        return f"{self.from_user_id} → {self.to_user_id} ({self.status})"


class Friendship(models.Model):
    """One direction of a mutual friendship. Its mirror row always exists (see services)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friend_links"
    )
    friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tie_strength = models.FloatField(default=1.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "friend"], name="friendship_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(user=models.F("friend")), name="friendship_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(tie_strength__gte=0), name="friendship_tie_strength_positive"
            ),
        ]
        # (user, friend) is covered by the unique constraint; the reverse index makes
        # "who has X as a friend" and the second hop of friends-of-friends index-only.
        indexes = [models.Index(fields=["friend", "user"], name="friendship_friend_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ↔ {self.friend_id}"


class Block(models.Model):
    """`blocker` shut `blocked` out. Either direction hides each side from the other everywhere."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_blocked_blocker")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Circle(models.Model):
    """A silo a person sorts friends into (Family, Close friends, Work, …). Private to its owner:
    members are never told which circles they are in."""

    DEFAULT_NAMES = ("Family", "Close friends", "Work")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circles"
    )
    name = models.CharField(max_length=50)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CircleMembership", related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="circle_name_unique_per_owner"),
            models.CheckConstraint(condition=~models.Q(name=""), name="circle_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class CircleMembership(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["circle", "member"], name="circle_member_unique")
        ]
        indexes = [models.Index(fields=["member", "circle"], name="circle_member_circle")]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.circle_id}"


class SocialSettings(models.Model):
    """How a person appears to others: who sees their profile details, and whether people search
    finds them at all. Made on first use with private-leaning defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_settings"
    )
    details_audience = models.CharField(
        max_length=10,
        choices=Audience,
        default=Audience.FRIENDS,
        help_text="Who sees your bio, home area and interests.",
    )
    details_circles = models.ManyToManyField(Circle, blank=True, related_name="+")
    findable = models.BooleanField(
        default=True, help_text="Let signed-in people find you by name in people search."
    )

    objects = AudienceQuerySet.as_manager()
    owner_field = "user"
    audience_field = "details_audience"
    circles_field = "details_circles"

    class Meta:
        indexes = [
            # People search and suggestions leave out the few who opted out of being found.
            models.Index(
                fields=["user"], condition=models.Q(findable=False), name="settings_not_findable"
            )
        ]

    def __str__(self) -> str:
        return f"Social settings of {self.user_id}"


def post_photo_path(instance: Post, filename: str) -> str:
    """A random name: a photo's address must not be guessable from its author or its name,
    since who may see it is decided by the post's audience."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"posts/{uuid.uuid4().hex}{suffix}"


class Post(models.Model):
    """A short post: what someone wants, bought, or thinks."""

    TEXT_MAX_LENGTH = 2000

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    photo = models.ImageField(upload_to=post_photo_path, blank=True)
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.FRIENDS)
    circles = models.ManyToManyField(Circle, blank=True, related_name="posts")
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AudienceQuerySet.as_manager()
    owner_field = "author"
    moderation_field = "hidden"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="post_author_created"),
            models.Index(fields=["-created_at"], name="post_created"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class PostTag(models.Model):
    """A topic a post talks about: a #hashtag, or a known topic word found in the text."""

    class Kind(models.TextChoices):
        HASHTAG = "hashtag", "Hashtag"
        TOPIC = "topic", "Topic"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="tags")
    # The post's author, audience and moderation, copied: "who in my network talked about bikes"
    # is then decided by the audience policy from one index range per tag (`post_tag_topic`),
    # without reading the posts. The database keeps the copies equal to the post's, whoever
    # writes: on PostgreSQL a foreign key (post, audience, hidden) to the post's, ON UPDATE
    # CASCADE; on SQLite triggers that do the same (migration 0006).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience)
    hidden = models.BooleanField()
    tag = models.SlugField(max_length=60, db_index=False)  # `post_tag_topic` leads with it
    kind = models.CharField(max_length=8, choices=Kind)

    objects = AudienceQuerySet.as_manager()
    owner_field = "author"
    moderation_field = "hidden"
    circles_via = "post"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "tag", "kind"], name="post_tag_unique")
        ]
        indexes = [
            # It also carries the author, audience and moderation flag, so the policy's filter is
            # checked on the index entries alone (PostgreSQL; SQLite gets the plain index).
            # Audience and author are not key columns: PostgreSQL reads the tag's range once
            # rather than joining several index scans of it, one per audience.
            CoveringIndex(
                fields=["tag", "post"],
                covering=["author", "audience", "hidden"],
                name="post_tag_topic",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.tag}" if self.kind == self.Kind.HASHTAG else self.tag

    @classmethod
    def of(cls, post: Post, tag: str, kind: str) -> PostTag:
        """A tag of `post` (as saved), with the copies of its author, audience and moderation."""
        return cls(
            post=post,
            author_id=post.author_id,
            audience=post.audience,
            hidden=post.hidden,
            tag=tag,
            kind=kind,
        )


class Topic(models.Model):
    """A thing people talk about and shop for ("bike"), with the words that mention it.

    Posts are tagged with the topics their words mention, so later features can count "friends
    who talked about bikes". The marketplace maps its categories onto topics."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=60)
    keywords = models.JSONField(
        default=list, blank=True, help_text="Lower-case words and phrases that mention the topic."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    """A comment on a post. Seen by whoever may see the post, minus blocks either way."""

    TEXT_MAX_LENGTH = 1000

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at"], name="comment_post_created")]

    def __str__(self) -> str:
        return self.text[:60]


class Notification(models.Model):
    class Kind(models.TextChoices):
        FRIEND_REQUEST = "friend_request", "Friend request received"
        REQUEST_ACCEPTED = "request_accepted", "Friend request accepted"
        COMMENT = "comment", "Comment on your post"
        SYSTEM = "system", "Notice"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose thing the notice names when they did not act (a report's outcome, a "
        "listing found by a saved search): the notice goes when they are erased.",
        db_index=False,  # `notification_about` below: most notices name no one
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    in_digest = models.BooleanField(
        default=False,
        help_text="Waiting for the recipient's next daily email digest (their choice for this "
        "kind when it was made); cleared when the digest is sent.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"], condition=models.Q(in_digest=True), name="notification_digest"
            ),
            models.Index(
                fields=["about"], condition=models.Q(about__isnull=False), name="notification_about"
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How one group of notices (`social.notification_kinds.GROUPS`) reaches a person: in the
    app only, by email, or in a daily digest. No row: the group's default."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "In the app only"
        EMAIL = "email", "By email"
        DIGEST = "digest", "In a daily email digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    group = models.CharField(max_length=30)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group"],
                name="one_notification_preference_per_group",
                violation_error_message="There is already a choice for this kind of notice.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.channel}"


class KnownDevice(models.Model):
    """A browser a person has signed in from (a hash of its user agent), so that a sign-in from
    a new one can be told to them by email. The first sign-in ever is not "new"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices"
    )
    fingerprint = models.CharField(max_length=64)
    label = models.CharField(max_length=200, blank=True, help_text="The user agent, shortened.")
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "fingerprint"], name="one_known_device_row")
        ]

    def __str__(self) -> str:
        return self.label
