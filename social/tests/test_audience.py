"""The one audience policy: `visible_to` in SQL and `can_view` on one row always agree."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from social.audience import Audience, Relation, can_view, relation_between
from social.models import Post, SocialSettings
from social.services import blocks, posts

VIEWERS = ["anonymous", "stranger", "fof", "friend_a", "friend_b", "owner", "blocked", "moderator"]

# audience -> who may see the owner's post
EXPECTED = {
    Audience.PUBLIC: {"anonymous", "stranger", "fof", "friend_a", "friend_b", "owner", "moderator"},
    Audience.MEMBERS: {"stranger", "fof", "friend_a", "friend_b", "owner", "moderator"},
    Audience.FOF: {"fof", "friend_a", "friend_b", "owner"},
    Audience.FRIENDS: {"friend_a", "friend_b", "owner"},
    Audience.CIRCLES: {"friend_a", "owner"},
    Audience.ONLY_ME: {"owner"},
}


def viewer(graph, name):
    return AnonymousUser() if name == "anonymous" else graph[name]


@pytest.mark.parametrize("audience", list(EXPECTED))
def test_each_audience_reaches_exactly_its_people(graph, audience):
    owner = graph["owner"]
    circle_ids = [graph["circle_a"].pk] if audience == Audience.CIRCLES else []
    post = posts.post_create(author=owner, text="hello", audience=audience, circle_ids=circle_ids)
    seen_by = set()
    for name in VIEWERS:
        in_sql = Post.objects.visible_to(viewer(graph, name)).filter(pk=post.pk).exists()
        assert in_sql == can_view(viewer(graph, name), post), name
        if in_sql:
            seen_by.add(name)
    assert seen_by == EXPECTED[audience]


def test_blocks_override_public_both_ways(graph):
    owner, blocked = graph["owner"], graph["blocked"]
    mine = posts.post_create(author=owner, text="public", audience=Audience.PUBLIC)
    theirs = posts.post_create(author=blocked, text="public too", audience=Audience.PUBLIC)
    assert not can_view(blocked, mine)
    assert not can_view(owner, theirs)
    assert can_view(graph["stranger"], theirs)


def test_deactivated_owner_content_is_hidden(graph):
    owner = graph["owner"]
    post = posts.post_create(author=owner, text="public", audience=Audience.PUBLIC)
    owner.is_active = False
    owner.save()
    assert not can_view(graph["stranger"], post)
    assert not can_view(AnonymousUser(), post)


def test_a_circle_post_follows_membership_changes_at_once(graph):
    from social.services.circles import circle_memberships_set

    owner, friend_b, circle_a = graph["owner"], graph["friend_b"], graph["circle_a"]
    post = posts.post_create(
        author=owner, text="circle", audience=Audience.CIRCLES, circle_ids=[circle_a.pk]
    )
    assert not can_view(friend_b, post)
    circle_memberships_set(owner=owner, friend=friend_b, circle_ids=[circle_a.pk])
    assert can_view(friend_b, post)
    circle_memberships_set(owner=owner, friend=friend_b, circle_ids=[])
    assert not can_view(friend_b, post)


def test_unblocking_restores_nothing(graph):
    owner, blocked = graph["owner"], graph["blocked"]
    post = posts.post_create(author=owner, text="friends only")
    blocks.block_remove(blocker=blocked, blocked=owner)
    assert not can_view(blocked, post)  # the friendship did not come back
    assert relation_between(blocked, owner) == Relation.MEMBER


def test_visible_to_is_one_query_whatever_the_rows(graph, django_assert_max_num_queries):
    owner = graph["owner"]
    for index in range(30):
        posts.post_create(author=owner, text=f"post {index}", audience=Audience.FOF)
    with CaptureQueriesContext(connection) as queries:
        count = len(list(Post.objects.visible_to(graph["fof"])))
    assert count == 30
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("relation", "circle", "expected"),
    [
        (Relation.ANONYMOUS, False, {Audience.PUBLIC}),
        (Relation.MEMBER, False, {Audience.PUBLIC, Audience.MEMBERS}),
        (Relation.FOF, False, {Audience.PUBLIC, Audience.MEMBERS, Audience.FOF}),
        (
            Relation.FRIEND,
            True,
            {Audience.PUBLIC, Audience.MEMBERS, Audience.FOF, Audience.FRIENDS, Audience.CIRCLES},
        ),
        (
            Relation.FRIEND,
            False,
            {Audience.PUBLIC, Audience.MEMBERS, Audience.FOF, Audience.FRIENDS},
        ),
    ],
)
def test_view_as_previews(graph, relation, circle, expected):
    owner, circle_a = graph["owner"], graph["circle_a"]
    for audience in Audience.values:
        ids = [circle_a.pk] if audience == Audience.CIRCLES else []
        posts.post_create(author=owner, text=audience, audience=audience, circle_ids=ids)
    shown = Post.objects.previewed_as(
        owner=owner, relation=relation, circle=circle_a if circle else None
    )
    assert {post.audience for post in shown} == expected


def test_profile_details_use_the_same_policy(graph):
    from social.services.settings import social_settings_update

    owner = graph["owner"]
    details = SocialSettings.objects.filter(user=owner)
    assert details.visible_to(graph["friend_b"]).exists()  # friends by default
    assert not details.visible_to(graph["fof"]).exists()
    social_settings_update(
        user=owner, details_audience=Audience.CIRCLES, details_circle_ids=[graph["circle_a"].pk]
    )
    assert details.visible_to(graph["friend_a"]).exists()
    assert not details.visible_to(graph["friend_b"]).exists()
    assert not details.visible_to(graph["blocked"]).exists()
