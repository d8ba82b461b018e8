"""`posts_create` and `comments_create`: many posts and comments at once, under the rules of one,
with what one leaves (tags, notices, stronger ties), all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import DomainError
from social.models import Comment, Friendship, Notification, Post, PostTag
from social.services.circles import circle_create
from social.services.posts import NewComment, NewPost, comments_create, posts_create
from tests.factories import PersonFactory, befriend

pytestmark = pytest.mark.django_db


def test_posts_are_written_back_dated_with_their_circles_and_tags():
    ada = PersonFactory.create(name="Ada")
    club = circle_create(owner=ada, name="Club")
    when = timezone.now() - timedelta(days=30)

    made = posts_create(
        posts=[
            NewPost(ada.pk, "Selling my bike #cycling", "circles", (club.pk,), at=when),
            NewPost(ada.pk, "Hello all", "public"),
        ]
    )

    first = Post.objects.get(pk=made[0].pk)
    assert (first.created_at, first.audience) == (when, "circles")
    assert list(first.circles.all()) == [club]
    assert PostTag.objects.filter(post=first, tag="cycling").exists()


@pytest.mark.parametrize(
    "bad",
    [
        NewPost(0, "   ", "friends"),
        NewPost(0, "Hi", "nobody"),
        NewPost(0, "Hi", "circles"),
        NewPost(0, "Hi", "friends", (1,)),
    ],
    ids=["empty", "unknown audience", "circles without a circle", "circle without circles"],
)
def test_a_row_that_breaks_a_rule_refuses_the_batch(bad):
    ada = PersonFactory.create(name="Ada")

    with pytest.raises(DomainError, match="^Row 1: "):
        posts_create(
            posts=[NewPost(ada.pk, "Fine"), NewPost(ada.pk, bad.text, bad.audience, bad.circle_ids)]
        )

    assert not Post.objects.exists()


def test_someone_elses_circle_is_refused():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")
    theirs = circle_create(owner=bob, name="Bob's")

    with pytest.raises(DomainError, match="Row 0: Choose only among your own circles"):
        posts_create(posts=[NewPost(ada.pk, "Hi", "circles", (theirs.pk,))])

    assert not Post.objects.exists()


def test_comments_notify_the_author_and_strengthen_the_tie_both_ways():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")
    befriend(ada, bob)
    (post,) = posts_create(posts=[NewPost(ada.pk, "Which bike?", "friends")])
    when = timezone.now() - timedelta(days=5)

    comments_create(
        comments=[
            NewComment(bob.pk, post.pk, "The blue one", at=when, seen_at=when),
            NewComment(ada.pk, post.pk, "Thanks!"),
        ]
    )

    assert Comment.objects.count() == 2
    note = Notification.objects.get(recipient=ada, kind="comment")
    assert (note.actor, note.created_at, note.read_at) == (bob, when, when)
    assert "Bob commented on your post." == note.text
    strengths = dict(Friendship.objects.values_list("user_id", "tie_strength"))
    assert strengths == {ada.pk: 1.1, bob.pk: 1.1}


def test_a_comment_on_a_post_its_author_may_not_see_refuses_the_batch():
    ada, bob, cy = (PersonFactory.create(name=name) for name in ("Ada", "Bob", "Cy"))
    befriend(ada, bob)
    (post,) = posts_create(posts=[NewPost(ada.pk, "Friends only", "friends")])

    with pytest.raises(DomainError, match="Row 1: This post does not exist or you can't see it"):
        comments_create(
            comments=[NewComment(bob.pk, post.pk, "Hi"), NewComment(cy.pk, post.pk, "Hi")]
        )

    assert not Comment.objects.exists()
    assert not Notification.objects.filter(kind="comment").exists()
