"""Relations, posts and consent, made through the services as people make them."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant
from social.models import Comment, Post
from social.services import friends as friendships
from social.services import posts


def befriend(a: User, b: User) -> None:
    """Make `a` and `b` friends the way people do: a request, accepted."""
    request = friendships.friend_request_send(sender=a, recipient=b)
    friendships.friend_request_accept(user=b, request_id=request.pk)


def friends(a: User, *others: User) -> None:
    """Befriend `a` with each of `others`."""
    for other in others:
        befriend(a, other)


def consent(
    someone: User,
    scope: str = Scope.FOF,
    purpose: str = Purpose.SOCIAL_PROOF,
    *,
    circle_ids: Iterable[int] = (),
) -> None:
    """`someone` grants `purpose` for `scope` (social proof to friends of friends by default;
    `circle_ids` name their circles when the scope is circles)."""
    consent_grant(
        user=someone, purpose=purpose, scope=scope, circle_ids=circle_ids, method="onboarding"
    )


def talk(someone: User, text: str = "Out on my new bike today", audience: str = "fof") -> Post:
    """`someone` posts `text` (about bikes, to friends of friends, unless told otherwise)."""
    return posts.post_create(author=someone, text=text, audience=audience)


def comment(
    someone: User, post: Post, text: str, *, written_before_a_block: bool = False
) -> Comment:
    """`someone` comments on `post` through the comment service.

    `written_before_a_block=True`: the comment a person left before the post's author blocked
    them. The service refuses a blocked person's comment, and the test graph is built with its
    blocks in place, so the row is written as it stood before the block."""
    if written_before_a_block:
        return Comment.objects.create(post=post, author=someone, text=text)
    return posts.comment_create(author=someone, post_id=post.pk, text=text)
