"""Posts and comments: people talking about what they want and what they bought."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from accounts.images import clean_image
from accounts.models import User
from config.bulk import backdate, numbered_rows, refuse_row
from config.errors import DomainError, NotFound
from social.audience import DEFAULT_AUDIENCE, Audience
from social.models import Circle, Comment, Post, PostTag, Topic
from social.services.circles import foreign_circle, owned_circles, with_circles_create
from social.services.friends import tie_strength_raise, tie_strengths_raise
from social.services.notifications import (
    NewNotification,
    Notice,
    notifications_create,
    notify,
)
from social.topics import hashtags_in, topics_in


def audience_checked(
    *, owner: User, audience: str | None, circle_ids: Iterable[int] = ()
) -> tuple[str, list[Circle]]:
    """Validate an audience choice for content of `owner`; returns (audience, circles).

    "circles" needs at least one circle, and only the owner's own circles may be named."""
    audience, circle_ids = audience_chosen(audience, circle_ids)
    if circle_ids:
        return audience, owned_circles(owner=owner, circle_ids=circle_ids)
    return audience, []


def audience_chosen(audience: str | None, circle_ids: Iterable[int] = ()) -> tuple[str, list[int]]:
    """The rules on an audience choice that need no query; returns (audience, circle ids).
    Whose the circles are is for the caller to check (`owned_circles`, or in bulk)."""
    audience = audience or DEFAULT_AUDIENCE
    if audience not in Audience.values:
        raise DomainError(
            f"Unknown audience “{audience}”. Choose one of: {', '.join(Audience.values)}.",
            code="bad_audience",
        )
    circle_ids = list(circle_ids or [])
    if audience == Audience.CIRCLES and not circle_ids:
        raise DomainError("Choose at least one circle.", code="no_circle")
    if audience != Audience.CIRCLES and circle_ids:
        raise DomainError(
            "Circles can be chosen only with the “Chosen circles” audience.",
            code="circles_without_audience",
        )
    return audience, circle_ids


def circles_owned_in_bulk(choices: Sequence[tuple[int, Iterable[int]]]) -> None:
    """`owned_circles` for many rows at once, each `(owner_id, circle ids)`: one query. Raises
    DomainError naming the first row that names someone else's circle (or none that exists)."""
    wanted = {pk for _, ids in choices for pk in ids}
    owners = dict(Circle.objects.filter(pk__in=wanted).values_list("pk", "owner_id"))
    for index, (owner_id, ids) in enumerate(choices):
        if any(owners.get(pk) != owner_id for pk in ids):
            raise refuse_row(index, foreign_circle())


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
        notify(recipient=post.author, kind="comment", actor=author, **_comment_notice(author, post))
    return comment


def _comment_notice(author: User, post: Post) -> Notice:
    """What the post's author is told of a comment by someone else."""
    return {
        "text": f"{author.display_name} commented on your post.",
        "url": reverse("social:post", args=[post.pk]),
    }


@transaction.atomic
def comment_delete(*, user: User, comment_id: int) -> None:
    """The comment's author, or the author of the post it is on, may delete it."""
    deleted, _ = (
        Comment.objects.filter(pk=comment_id).filter(Q(author=user) | Q(post__author=user)).delete()
    )
    if not deleted:
        raise NotFound("No such comment you can delete.", code="no_comment")


# --- Many at once (the demo, imports) --------------------------------------------------------


@dataclass(frozen=True)
class NewPost:
    """A post to write in bulk: `post_create`'s arguments by id (no photo), and when it was
    written (None: now)."""

    author_id: int
    text: str
    audience: str | None = None
    circle_ids: tuple[int, ...] = ()
    at: datetime | None = None


@transaction.atomic
def posts_create(*, posts: Sequence[NewPost]) -> list[Post]:
    """`post_create` for many posts at once, under its rules (text, audience, the author's own
    circles) and with its tags, each back-dated to its `at`. Raises DomainError naming the first
    row refused; then nothing is written. Returns the posts, in order."""
    chosen = []
    for index, row in enumerate(posts):
        with numbered_rows(index):
            text = _clean_text(row.text, Post.TEXT_MAX_LENGTH, "post")
            audience, circle_ids = audience_chosen(row.audience, row.circle_ids)
        chosen.append((text, audience, circle_ids))
    circles_owned_in_bulk(
        [(row.author_id, ids) for row, (_, _, ids) in zip(posts, chosen, strict=True)]
    )
    written = with_circles_create(
        Post,
        [
            (Post(author_id=row.author_id, text=text, audience=audience), circle_ids)
            for row, (text, audience, circle_ids) in zip(posts, chosen, strict=True)
        ],
    )
    topics = list(Topic.objects.values_list("slug", "keywords"))
    PostTag.objects.bulk_create(
        [tag for post in written for tag in tags_of(post, topics)],
        batch_size=500,
        ignore_conflicts=True,
    )
    dates = [row.at for row in posts]
    backdate(written, {"created_at": dates, "updated_at": dates})
    return written


@dataclass(frozen=True)
class NewComment:
    """A comment to write in bulk: `comment_create`'s arguments by id, when it was written
    (None: now) and when the post's author saw its notice (None: not yet)."""

    author_id: int
    post_id: int
    text: str
    at: datetime | None = None
    seen_at: datetime | None = None


@transaction.atomic
def comments_create(*, comments: Sequence[NewComment]) -> list[Comment]:
    """`comment_create` for many comments at once, under its rules (text, a post the author may
    see: one query per author) and with what it leaves: the post's author notified and the tie
    a little stronger both ways, for a comment by someone else. Raises DomainError naming the
    first row refused; then nothing is written. Returns the comments, in order."""
    texts = []
    for index, row in enumerate(comments):
        with numbered_rows(index):
            texts.append(_clean_text(row.text, Comment.TEXT_MAX_LENGTH, "comment"))
    authors = User.objects.select_related("profile").in_bulk({row.author_id for row in comments})
    wanted: dict[int, set[int]] = defaultdict(set)
    for row in comments:
        wanted[row.author_id].add(row.post_id)
    posts: dict[int, Post] = {}
    seen: set[tuple[int, int]] = set()
    for author_id, post_ids in wanted.items():
        if author_id in authors:
            visible = Post.objects.filter(pk__in=post_ids).visible_to(authors[author_id])
            for post in visible:
                posts[post.pk] = post
                seen.add((author_id, post.pk))
    for index, row in enumerate(comments):
        if (row.author_id, row.post_id) not in seen:
            raise refuse_row(
                index, NotFound("This post does not exist or you can't see it.", code="no_post")
            )
    written = Comment.objects.bulk_create(
        [
            Comment(post_id=row.post_id, author_id=row.author_id, text=text)
            for row, text in zip(comments, texts, strict=True)
        ],
        batch_size=200,
    )
    backdate(written, {"created_at": [row.at for row in comments]})
    by_others = [row for row in comments if posts[row.post_id].author_id != row.author_id]
    interactions: Counter[tuple[int, int]] = Counter()
    for row in by_others:
        interactions[posts[row.post_id].author_id, row.author_id] += 1
        interactions[row.author_id, posts[row.post_id].author_id] += 1
    tie_strengths_raise(interactions=interactions)
    notifications_create(
        notices=[
            NewNotification(
                recipient_id=posts[row.post_id].author_id,
                kind="comment",
                actor_id=row.author_id,
                at=row.at,
                read_at=row.seen_at,
                **_comment_notice(authors[row.author_id], posts[row.post_id]),
            )
            for row in by_others
        ]
    )
    return written
