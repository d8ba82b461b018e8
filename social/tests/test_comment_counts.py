"""A post's comment count is what the viewer would see under it: a count never reveals a comment
by someone blocked either way, or one a moderator hid."""

from __future__ import annotations

import pytest

from social import selectors
from social.models import Comment
from social.services.posts import comment_create, post_create
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(graph):
    """A public post by friend_a with comments by friend_b, by `blocked` (who blocked the
    owner), and by fof (hidden by a moderator)."""
    post = post_create(author=graph["friend_a"], text="New wheels", audience="public")
    comment_create(author=graph["friend_b"], post_id=post.pk, text="Nice")
    comment_create(author=graph["blocked"], post_id=post.pk, text="Hello")
    hidden = comment_create(author=graph["fof"], post_id=post.pk, text="Spam")
    Comment.objects.filter(pk=hidden.pk).update(hidden=True)
    return post


def count_for(viewer, post) -> int:
    shown = selectors.post_for(viewer, post.pk)
    assert shown is not None
    return shown.comment_count


def test_the_count_matches_the_comments_shown(graph, thread):
    for name in ("owner", "friend_a", "friend_b", "fof", "stranger", "blocked"):
        viewer = graph[name]
        shown = selectors.comments_on(viewer, thread).count()
        assert count_for(viewer, thread) == shown, name


def test_a_blocked_persons_comment_is_not_counted_for_the_other_side(graph, thread):
    assert count_for(graph["owner"], thread) == 1  # friend_b's; not blocked's, not the hidden one
    assert count_for(graph["stranger"], thread) == 2  # friend_b's and blocked's


def test_a_hidden_comment_is_counted_for_its_author_alone(graph, thread):
    assert count_for(graph["fof"], thread) == 3
    assert count_for(PersonFactory.create(name="Someone Else"), thread) == 2


def test_the_feed_and_profile_counts_follow_the_same_rule(graph, thread):
    owner = graph["owner"]
    in_feed = next(post for post in selectors.feed_for(owner) if post.pk == thread.pk)
    on_profile = selectors.posts_by(owner, graph["friend_a"]).get(pk=thread.pk)

    assert in_feed.comment_count == on_profile.comment_count == 1
