"""A post's tags carry copies of its author, audience and moderation flag, which the database keeps
equal to the post's whoever writes (migration 0006), so the audience policy applied to the tags
gives exactly the posts it gives applied to the posts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from social.audience import Audience, network_of
from social.models import Post, PostTag
from social.services.posts import post_create, post_update, posts_change_audience
from social.tests.test_network import CAST, post_in_every_audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(graph):
    """Every author of the cast writes one post about #bikes per audience, and one about #tents
    to friends."""
    post_in_every_audience(graph, "{name} #bikes")
    for name in CAST:
        post_create(author=graph[name], text=f"{name} #tents", audience=Audience.FRIENDS)
    return graph


def seen_through_tags(viewer, *, network=None) -> set[int]:
    rows = PostTag.objects.visible_to(viewer, network=network).filter(tag="bikes")
    return set(rows.values_list("post_id", flat=True))


def seen_posts(viewer) -> set[int]:
    rows = Post.objects.visible_to(viewer).filter(tags__tag="bikes")
    return set(rows.values_list("pk", flat=True))


def assert_tags_agree(graph) -> None:
    assert seen_through_tags(AnonymousUser()) == seen_posts(AnonymousUser())
    for name in CAST:
        person = graph[name]
        expected = seen_posts(person)
        assert seen_through_tags(person) == expected, name
        assert seen_through_tags(person, network=network_of(person)) == expected, name


def copies_differ() -> int:
    return sum(
        tag.audience != tag.post.audience or tag.hidden != tag.post.hidden
        for tag in PostTag.objects.select_related("post")
    )


def test_the_policy_on_tags_gives_the_posts_it_gives_on_posts(tagged):
    assert_tags_agree(tagged)
    assert seen_through_tags(tagged["owner"])  # not an empty agreement


def test_tags_follow_their_post_whoever_changes_it(tagged):
    owner, fof = tagged["owner"], tagged["fof"]
    # A service that saves the post, one that updates many rows at once, a moderator's update
    # and a change made straight in the database's rows: the tags follow each.
    post = Post.objects.filter(author=owner, audience=Audience.PUBLIC).first()
    post_update(author=owner, post_id=post.pk, audience=Audience.ONLY_ME)
    posts_change_audience(author=fof, audience=Audience.FRIENDS)
    Post.objects.filter(author=tagged["friend_a"], audience=Audience.MEMBERS).update(hidden=True)
    Post.objects.filter(author=tagged["friend_b"]).update(audience=Audience.PUBLIC)

    assert copies_differ() == 0
    assert (
        PostTag.objects.get(post=post, tag="bikes", kind=PostTag.Kind.HASHTAG).audience
        == Audience.ONLY_ME
    )
    assert_tags_agree(tagged)


def test_a_deactivated_author_s_tags_are_seen_by_nobody_else(tagged):
    friend = tagged["friend_a"]
    friend.is_active = False
    friend.save()
    assert_tags_agree(tagged)
    assert not PostTag.objects.visible_to(tagged["owner"]).filter(author=friend).exists()


@pytest.mark.parametrize("field, value", [("audience", Audience.PUBLIC), ("hidden", True)])
def test_a_tag_that_differs_from_its_post_is_refused(tagged, field, value):
    post = Post.objects.filter(author=tagged["owner"], audience=Audience.ONLY_ME).first()
    tag = PostTag.objects.get(post=post, tag="bikes", kind=PostTag.Kind.HASHTAG)

    with pytest.raises(IntegrityError), transaction.atomic():
        PostTag.objects.filter(pk=tag.pk).update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        row = PostTag.of(post, "sofas", PostTag.Kind.HASHTAG)
        setattr(row, field, value)
        row.save()

    tag.refresh_from_db()
    assert (tag.audience, tag.hidden) == (Audience.ONLY_ME, False)
    assert not PostTag.objects.filter(post=post, tag="sofas").exists()
