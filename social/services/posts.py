"""Posts and comments: people talking about what they want and what they bought."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from accounts.images import clean_image
from accounts.models import User
from config.errors import DomainError, NotFound
from social.audience import DEFAULT_AUDIENCE, Audience
from social.models import Circle, Comment, Post, PostTag, Topic
from social.services.circles import owned_circles
from social.services.friends import tie_strength_raise
from social.services.notifications import notify
from social.topics import hashtags_in, topics_in


def audience_checked(
    *, owner: User, audience: str | None, circle_ids: Iterable[int] = ()
) -> tuple[str, list[Circle]]:
    """Validate an audience choice for content of `owner`; returns (audience, circles).

    "circles" needs at least one circle, and only the owner's own circles may be named."""
    audience = audience or DEFAULT_AUDIENCE
    if audience not in Audience.values:
        raise DomainError(
            f"Unknown audience “{audience}”. Choose one of: {', '.join(Audience.values)}.",
            code="bad_audience",
        )
    circle_ids = list(circle_ids or [])
    if audience == Audience.CIRCLES:
        if not circle_ids:
            raise DomainError("Choose at least one circle.", code="no_circle")
        return audience, owned_circles(owner=owner, circle_ids=circle_ids)
    if circle_ids:
        raise DomainError(
            "Circles can be chosen only with the “Chosen circles” audience.",
            code="circles_without_audience",
        )
    return audience, []


def tags_of(post: Post, topics: list[tuple[str, list[str]]]) -> list[PostTag]:
    """The tags of a saved post, unsaved: its #hashtags and the known `topics` (slug, keywords)
    its words mention."""
    return [
        PostTag.of(post, tag, PostTag.Kind.HASHTAG) for tag in sorted(hashtags_in(post.text))
    ] + [
        PostTag.of(post, slug, PostTag.Kind.TOPIC) for slug in sorted(topics_in(post.text, topics))
    ]


def _tag(post: Post) -> None:
    topics = list(Topic.objects.values_list("slug", "keywords"))
    PostTag.objects.filter(post=post).delete()
    PostTag.objects.bulk_create(tags_of(post, topics), ignore_conflicts=True)


def _clean_text(text: str, limit: int, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"Write something in your {what}.", code="empty")
    if len(text) > limit:
        raise DomainError(
            f"Keep your {what} to {limit} characters (it has {len(text)}).", code="too_long"
        )
    return text


@transaction.atomic
def post_create(
    *,
    author: User,
    text: str,
    audience: str | None = None,
    circle_ids: Iterable[int] = (),
    photo: File[bytes] | None = None,
) -> Post:
    """Publish a post to the chosen audience (friends by default). Tags are extracted."""
    text = _clean_text(text, Post.TEXT_MAX_LENGTH, "post")
    audience, circles = audience_checked(owner=author, audience=audience, circle_ids=circle_ids)
    try:
        photo_file = clean_image(photo, name="photo") if photo else None
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="bad_photo") from None
    post = Post(author=author, text=text, audience=audience)
    if photo_file:
        post.photo.save(photo_file.name or "photo", photo_file, save=False)  # always named
    post.save()
    post.circles.set(circles)
    _tag(post)
    return post


def _own_post(*, author: User, post_id: int) -> Post:
    try:
        return Post.objects.get(pk=post_id, author=author)
    except (Post.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such post of yours.", code="no_post") from None


@transaction.atomic
def post_update(
    *,
    author: User,
    post_id: int,
    text: str | None = None,
    audience: str | None = None,
    circle_ids: Iterable[int] | None = None,
) -> Post:
    post = _own_post(author=author, post_id=post_id)
    if text is not None:
        post.text = _clean_text(text, Post.TEXT_MAX_LENGTH, "post")
    if audience is not None or circle_ids is not None:
        post.audience, circles = audience_checked(
            owner=author,
            audience=audience or post.audience,
            circle_ids=circle_ids
            if circle_ids is not None
            else post.circles.values_list("pk", flat=True),
        )
        post.circles.set(circles)
    post.save()
    _tag(post)
    return post


@transaction.atomic
def post_delete(*, author: User, post_id: int) -> None:
    post = _own_post(author=author, post_id=post_id)
    name = post.photo.name
    if name:  # a photo: a file field is true when it names a file
        storage = post.photo.storage
        transaction.on_commit(lambda: storage.delete(name))
    post.delete()


@transaction.atomic
def posts_change_audience(
    *,
    author: User,
    audience: str,
    circle_ids: Iterable[int] = (),
    since: date | None = None,
    until: date | None = None,
) -> int:
    """Move all of `author`'s posts (or those written between the days `since` and `until`,
    both included) to another audience. Returns how many posts changed."""
    audience, circles = audience_checked(owner=author, audience=audience, circle_ids=circle_ids)
    if since and until and since > until:
        raise DomainError("The start of the period is after its end.", code="bad_period")
    posts = Post.objects.filter(author=author)
    if since:
        posts = posts.filter(created_at__date__gte=since)
    if until:
        posts = posts.filter(created_at__date__lte=until)
    post_ids = list(posts.values_list("pk", flat=True))
    changed = Post.objects.filter(pk__in=post_ids).update(audience=audience)
    Through = Post.circles.through
    Through.objects.filter(post_id__in=post_ids).delete()
    Through.objects.bulk_create(
        [
            Through(post_id=post_id, circle_id=circle.pk)
            for post_id in post_ids
            for circle in circles
        ]
    )
    return changed


@transaction.atomic
def comment_create(*, author: User, post_id: int, text: str) -> Comment:
    """Comment on a post `author` may see. The post's author is notified."""
    text = _clean_text(text, Comment.TEXT_MAX_LENGTH, "comment")
    post = Post.objects.filter(pk=post_id).visible_to(author).select_related("author").first()
    if post is None:
        raise NotFound("This post does not exist or you can't see it.", code="no_post")
    comment = Comment.objects.create(post=post, author=author, text=text)
    if post.author_id != author.pk:
        tie_strength_raise(user=post.author, friend=author)
        tie_strength_raise(user=author, friend=post.author)
        notify(
            recipient=post.author,
            kind="comment",
            actor=author,
            text=f"{author.display_name} commented on your post.",
            url=reverse("social:post", args=[post.pk]),
        )
    return comment


@transaction.atomic
def comment_delete(*, user: User, comment_id: int) -> None:
    """The comment's author, or the author of the post it is on, may delete it."""
    deleted, _ = (
        Comment.objects.filter(pk=comment_id).filter(Q(author=user) | Q(post__author=user)).delete()
    )
    if not deleted:
        raise NotFound("No such comment you can delete.", code="no_comment")
