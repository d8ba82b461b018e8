"""Posts, tags, comments, bulk audience changes, the feed and notifications."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.errors import DomainError, NotFound
from social import selectors
from social.audience import Audience
from social.models import Comment, Notification, Post, PostTag, Topic
from social.services import posts
from social.services.notifications import notifications_mark_read
from tests.factories import PersonFactory, befriend


def test_new_posts_default_to_friends_and_are_tagged(owner):
    Topic.objects.update_or_create(
        slug="bikes", defaults={"name": "Bikes", "keywords": ["bike", "bicycle", "mountain bike"]}
    )
    post = posts.post_create(author=owner, text="Which #MountainBiking trail? My bikes need air")
    assert post.audience == Audience.FRIENDS
    tags = set(PostTag.objects.filter(post=post).values_list("kind", "tag"))
    assert tags == {("hashtag", "mountainbiking"), ("topic", "bikes")}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": ""}, "Write something"),
        ({"text": "x" * 2001}, "2000 characters"),
        ({"text": "hi", "audience": "everyone-ish"}, "Unknown audience"),
        ({"text": "hi", "audience": "circles"}, "at least one circle"),
        ({"text": "hi", "audience": "friends", "circle_ids": [1]}, "Chosen circles"),
    ],
)
def test_bad_posts_are_refused(owner, kwargs, message):
    with pytest.raises(DomainError, match=message):
        posts.post_create(author=owner, **kwargs)
    assert not Post.objects.exists()


def test_audience_naming_someone_elses_circle_is_refused(owner, stranger):
    theirs = stranger.circles.first()
    with pytest.raises(DomainError, match="your own circles"):
        posts.post_create(author=owner, text="hi", audience="circles", circle_ids=[theirs.pk])
    assert not Post.objects.exists()


def test_comment_on_a_post_you_cannot_see_is_refused(owner, stranger):
    post = posts.post_create(author=owner, text="friends only")
    with pytest.raises(NotFound):
        posts.comment_create(author=stranger, post_id=post.pk, text="hello")
    assert not Comment.objects.exists()


def test_comment_notifies_and_raises_tie_strength(owner, stranger):
    befriend(owner, stranger)
    post = posts.post_create(author=owner, text="friends only")
    posts.comment_create(author=stranger, post_id=post.pk, text="Nice")
    note = Notification.objects.get(recipient=owner, kind="comment")
    assert note.url == f"/posts/{post.pk}/"
    assert owner.friend_links.get(friend=stranger).tie_strength > 1.0
    assert notifications_mark_read(user=owner) == 2  # "accepted" and the comment
    assert selectors.unread_count(owner) == 0


def test_comment_delete_by_author_or_post_owner_only(owner, stranger):
    befriend(owner, stranger)
    third = PersonFactory.create(name="Tom Third")
    post = posts.post_create(author=owner, text="hi", audience=Audience.PUBLIC)
    comment = posts.comment_create(author=stranger, post_id=post.pk, text="one")
    with pytest.raises(NotFound):
        posts.comment_delete(user=third, comment_id=comment.pk)
    posts.comment_delete(user=owner, comment_id=comment.pk)
    assert not Comment.objects.exists()


def test_bulk_audience_change_with_a_date_range(owner):
    old = posts.post_create(author=owner, text="old")
    new = posts.post_create(author=owner, text="new")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    today = timezone.localdate()
    changed = posts.posts_change_audience(
        author=owner, audience=Audience.ONLY_ME, until=today - dt.timedelta(days=30)
    )
    assert changed == 1
    assert Post.objects.get(pk=old.pk).audience == Audience.ONLY_ME
    assert Post.objects.get(pk=new.pk).audience == Audience.FRIENDS
    family = owner.circles.get(name="Family")
    assert (
        posts.posts_change_audience(author=owner, audience="circles", circle_ids=[family.pk]) == 2
    )
    assert set(Post.objects.get(pk=new.pk).circles.all()) == {family}
    with pytest.raises(DomainError):
        posts.posts_change_audience(
            author=owner, audience=Audience.FRIENDS, since=today, until=today - dt.timedelta(1)
        )


def test_feed_is_newest_first_paged_and_only_what_you_may_see(graph):
    owner, friend_a, fof = graph["owner"], graph["friend_a"], graph["fof"]
    for index in range(25):
        posts.post_create(author=friend_a, text=f"friend post {index}")
    posts.post_create(author=fof, text="fof post", audience=Audience.FOF)  # not a friend of owner
    posts.post_create(author=graph["blocked"], text="blocked", audience=Audience.PUBLIC)
    mine = posts.post_create(author=owner, text="mine", audience=Audience.ONLY_ME)
    first = selectors.feed_for(owner)
    assert len(first) == selectors.FEED_PAGE_SIZE
    assert first[0] == mine
    second = selectors.feed_for(owner, before=first[-1])
    assert len(second) == 6
    texts = [p.text for p in first + second]
    assert "fof post" not in texts and "blocked" not in texts
    assert len(set(texts)) == 26


def test_feed_query_count_is_fixed(graph):
    friend_a = graph["friend_a"]

    def count():
        with CaptureQueriesContext(connection) as queries:
            page = selectors.feed_for(graph["owner"])
            for post in page:
                post.author.profile.display_name, list(post.tags.all())
        return len(queries)

    posts.post_create(author=friend_a, text="one #bike")
    few = count()
    for index in range(15):
        posts.post_create(author=graph["friend_b"], text=f"post {index} #bike")
    assert count() == few


def test_photo_addresses_are_not_guessable(owner):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    photo = SimpleUploadedFile("my-flat.png", buffer.getvalue(), content_type="image/png")
    post = posts.post_create(author=owner, text="private", audience="only_me", photo=photo)
    name = post.photo.name
    stem = name.split("/")[1].split(".")[0]
    # A random uuid4, nothing from the person or the upload (a small id may occur in it by chance).
    assert uuid.UUID(hex=stem).version == 4 and stem == uuid.UUID(hex=stem).hex
    assert "my-flat" not in name and f"/{owner.pk}/" not in f"/{name}"
