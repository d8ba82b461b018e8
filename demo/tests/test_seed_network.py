"""The social side of `manage.py seed_demo`: a lively, consistent graph, posts and comments.

Seeding takes a few seconds, so the community is built once for the module (committed, and
deleted again at the end) and each test reads it inside its own rolled-back transaction.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from demo import network as demo
from demo import posts as talk
from demo.people import ANNA, BEN, roster
from social import selectors
from social.audience import Audience
from social.models import (
    Block,
    Circle,
    CircleMembership,
    Comment,
    FriendRequest,
    Friendship,
    Notification,
    Post,
    PostTag,
    Topic,
)
from social.topics import topics_in


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module inside a transaction that is rolled back at its end: nothing
    stays behind (the consent ledger and audit log cannot be deleted, by design)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
            output = seed()
        yield output
        transaction.set_rollback(True)


def members() -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__in=[p.email for p in roster()])}


def snapshot() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Friendship,
            Circle,
            CircleMembership,
            Block,
            FriendRequest,
            Post,
            PostTag,
            Comment,
            Notification,
        )
    }


def friend_pairs() -> set[tuple[int, int]]:
    return set(Friendship.objects.values_list("user_id", "friend_id"))


# --- The plan, without a database -----------------------------------------------------------


def test_the_planned_graph_gives_everyone_four_to_twenty_friends_mostly_nearby():
    ties = demo.planned_ties()
    people = {p.email: p for p in roster()}
    degree = Counter([t.a for t in ties] + [t.b for t in ties])

    assert set(degree) == set(people)
    assert all(demo.MIN_FRIENDS <= n <= demo.MAX_FRIENDS for n in degree.values())
    assert len({frozenset((t.a, t.b)) for t in ties}) == len(ties)
    cross = [t for t in ties if people[t.a].region != people[t.b].region]
    assert 0 < len(cross) < len(ties) * 0.25
    strengths = [s for t in ties for s in (t.a_to_b, t.b_to_a)]
    assert min(strengths) >= 1.0 and max(strengths) <= 5.0
    assert len({round(s) for s in strengths}) >= 4


def test_anna_has_about_fifteen_friends_with_ben_and_several_cyclists():
    ties = demo.planned_ties()
    people = {p.email: p for p in roster()}
    annas = [t.b if t.a == ANNA.email else t.a for t in ties if ANNA.email in (t.a, t.b)]

    assert 13 <= len(annas) <= 17
    assert BEN.email in annas
    assert sum("cycling" in people[email].interests for email in annas) >= 4


def test_the_plan_is_the_same_every_time():
    first = demo.planned_ties()
    demo.planned_ties.cache_clear()
    assert demo.planned_ties() == first


@pytest.mark.django_db
def test_every_post_template_mentions_its_topic():
    topics = list(Topic.objects.values_list("slug", "keywords"))
    assert len(topics) >= 25
    assert set(talk.TEMPLATES) <= {slug for slug, _ in topics}
    for slug, templates in talk.TEMPLATES.items():
        for _, template in templates:
            for thing in talk.THINGS[slug]:
                text = template.format(
                    thing=thing, price="10 €", town="Lyon", outdoors="the Vercors", age=6
                )
                assert slug in topics_in(text, topics), text


# --- The seeded community -------------------------------------------------------------------


@pytest.mark.django_db
def test_every_friendship_has_its_mirror_row(seeded):
    mirror = Friendship.objects.filter(user_id=OuterRef("friend_id"), friend_id=OuterRef("user_id"))

    assert Friendship.objects.exists()
    assert not Friendship.objects.exclude(Exists(mirror)).exists()


@pytest.mark.django_db
def test_it_seeds_a_graph_where_everyone_has_friends(seeded):
    people = members()
    degree = Counter(
        Friendship.objects.filter(user__in=people.values()).values_list("user_id", flat=True)
    )
    anna, ben = people[ANNA.email], people[BEN.email]

    assert 200 <= Friendship.objects.count() // 2 <= 400
    assert all(4 <= degree[user.pk] <= 20 for user in people.values())
    assert 13 <= degree[anna.pk] <= 17
    assert (anna.pk, ben.pk) in friend_pairs()
    strengths = list(Friendship.objects.values_list("tie_strength", flat=True))
    assert min(strengths) >= 1.0 and len({round(s) for s in strengths}) >= 4
    assert Friendship.objects.filter(created_at__lt=timezone.now() - timedelta(days=30)).exists()


@pytest.mark.django_db
def test_circles_hold_friends_only_and_anna_has_a_cycling_club(seeded):
    pairs = friend_pairs()
    memberships = list(CircleMembership.objects.values_list("circle__owner_id", "member_id"))
    anna = members()[ANNA.email]
    club = Circle.objects.get(owner=anna, name="Cycling club")

    assert len(memberships) >= 150
    assert all(pair in pairs for pair in memberships)
    assert club.memberships.count() >= 3
    assert CircleMembership.objects.filter(circle__owner=anna, circle__name="Close friends")
    assert Circle.objects.exclude(name__in=Circle.DEFAULT_NAMES).count() >= 3
    owners = {owner for owner, _ in memberships}
    assert len(owners) >= len(roster()) // 2


@pytest.mark.django_db
def test_a_few_blocks_keep_away_from_anna_ben_and_their_friends(seeded):
    people = members()
    near = {people[ANNA.email].pk, people[BEN.email].pk}
    near |= set(
        Friendship.objects.filter(user_id__in=list(near)).values_list("friend_id", flat=True)
    )
    blocks = list(Block.objects.values_list("blocker_id", "blocked_id"))

    assert 2 <= len(blocks) <= 3
    pairs = friend_pairs()
    for blocker, blocked in blocks:
        assert blocker not in near and blocked not in near
        assert (blocker, blocked) not in pairs


@pytest.mark.django_db
def test_friend_requests_wait_for_anna_and_ben_with_notifications(seeded):
    people = members()
    for email in (ANNA.email, BEN.email):
        user = people[email]
        waiting = FriendRequest.objects.filter(to_user=user, status="pending")
        assert waiting.count() >= 2
        assert Notification.objects.filter(recipient=user, kind="friend_request").count() >= 2
        assert not waiting.filter(from_user_id__in=selectors.friend_ids(user)).exists()


@pytest.mark.django_db
def test_hundreds_of_posts_over_six_months_with_tags_and_mixed_audiences(seeded):
    posts = Post.objects.filter(author__in=members().values())
    dates = list(posts.values_list("created_at", flat=True))

    assert 200 <= posts.count() <= 400
    assert max(dates) <= timezone.now()
    assert max(dates) - min(dates) > timedelta(days=120)
    assert PostTag.objects.filter(kind=PostTag.Kind.TOPIC, tag="bikes").count() >= 10
    assert PostTag.objects.filter(kind=PostTag.Kind.HASHTAG).count() >= 50
    audiences = Counter(posts.values_list("audience", flat=True))
    assert audiences.most_common(1)[0][0] == Audience.FRIENDS
    assert len(audiences) >= 5
    circle_posts = posts.filter(audience=Audience.CIRCLES)
    assert circle_posts.exists()
    assert not circle_posts.filter(circles__isnull=True).exists()


@pytest.mark.django_db
def test_comments_come_from_friends_who_can_see_the_post_after_it_was_written(seeded):
    pairs = friend_pairs()
    comments = list(Comment.objects.select_related("post"))

    assert 100 <= len(comments) <= 200
    for comment in comments:
        post = comment.post
        assert comment.author_id == post.author_id or (post.author_id, comment.author_id) in pairs
        assert post.audience != Audience.ONLY_ME
        assert comment.created_at > post.created_at
    seen_by = defaultdict(set)
    for comment in comments:
        seen_by[comment.author].add(comment.post_id)
    for author, post_ids in seen_by.items():
        assert Post.objects.filter(pk__in=post_ids).visible_to(author).count() == len(post_ids)
    notes = Notification.objects.filter(kind="comment")
    assert notes.count() == sum(c.author_id != c.post.author_id for c in comments)
    assert notes.filter(read_at__isnull=False).exists()


@pytest.mark.django_db
def test_anna_has_people_to_meet_and_a_feed_to_read(seeded):
    anna = members()[ANNA.email]
    friends = set(selectors.friend_ids(anna).values_list("friend_id", flat=True))

    suggestions = list(selectors.suggestions_for(anna))
    feed = selectors.feed_for(anna)

    assert len(suggestions) >= 3
    assert not {person.pk for person in suggestions} & friends
    assert len(feed) == selectors.FEED_PAGE_SIZE
    assert {post.author_id for post in feed} & friends


@pytest.mark.django_db
def test_running_it_again_creates_nothing(seeded):
    before = snapshot()

    output = seed()

    assert snapshot() == before
    for part in ("Friendships", "Circles", "Blocks", "Friend requests", "Posts", "Comments"):
        line = next(line for line in output.splitlines() if line.strip().startswith(part))
        assert "0 new" in line, line


@pytest.mark.django_db
def test_a_presenters_changes_survive_a_rerun(seeded):
    anna = members()[ANNA.email]
    Post.objects.filter(author=anna).delete()
    Friendship.objects.filter(Q(user=anna) | Q(friend=anna)).exclude(
        Q(user__email=BEN.email) | Q(friend__email=BEN.email)
    ).delete()

    seed()

    assert not Post.objects.filter(author=anna).exists()
    assert Friendship.objects.filter(user=anna).count() == 1
