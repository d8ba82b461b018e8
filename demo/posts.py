"""What the demo people say: about three hundred posts over six months (wants, finds, sales,
questions) and the comments of friends who may see them. Written through the services
(`posts_create`, `comments_create`), which keep the rules, tags, notices and ties."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from demo.network import NETWORK, SOCIAL_SEED, friend_graph, members_by_email
from demo.people import ANNA, BEN, DemoPerson, demo_step, roster
from demo.story import tupled
from social.audience import Audience
from social.models import (
    Circle,
    Comment,
    Post,
)
from social.services.posts import NewComment, NewPost, comments_create, posts_create

POSTS = 300
COMMENTS = 150
POST_PERIOD_DAYS = 182


@demo_step
def seed_posts() -> str:
    """About three hundred posts over the last six months: wants, finds, sales and questions."""
    members = members_by_email()
    active = {email: user for email, user in members.items() if user.is_active}
    ids = [user.pk for user in members.values()]
    existing = Post.objects.filter(author_id__in=ids)
    if existing.exists():
        return f"Posts: {existing.count()} (already seeded, 0 new)"
    rng = random.Random(SOCIAL_SEED + 4)
    people = {person.email: person for person in roster()}
    circles_with_members = defaultdict(list)
    for circle in Circle.objects.filter(owner_id__in=ids, memberships__isnull=False).distinct():
        circles_with_members[circle.owner_id].append(circle.pk)

    emails = sorted(active)
    counts = Counter({ANNA.email: 12, BEN.email: 9})
    others = [e for e in emails if e not in counts]
    weights = [len(_topics_for(people[e])) * rng.uniform(0.5, 1.5) + 1 for e in others]
    counts.update(rng.choices(others, weights=weights, k=POSTS - sum(counts.values())))

    now = timezone.now()
    planned: list[NewPost] = []
    for email in emails:
        person, author = people[email], active[email]
        used: set[str] = set()  # nobody tells the same story twice
        for _ in range(counts[email]):
            for _attempt in range(10):
                topic = _pick_topic(rng, person)
                written = _write_post(rng, person, topic, used)
                if written:
                    break
            else:
                written = _write_post(rng, person, topic, set())
            assert written is not None  # with nothing used yet, every topic has a post
            kind, text = written
            audience, circle_ids = _pick_audience(rng, kind, circles_with_members[author.pk])
            if audience == Audience.ONLY_ME:
                text = rng.choice(PRIVATE_NOTES).format(thing=rng.choice(THINGS[topic]))
            when = _moment(rng, now, person.joined_days_ago)
            planned.append(NewPost(author.pk, text, audience, tuple(circle_ids), when))
    posts_create(posts=planned)
    return f"Posts: {len(planned)} by {len(counts)} people over six months ({len(planned)} new)"


def _moment(rng: random.Random, now: datetime, joined_days_ago: int) -> datetime:
    """A waking hour on a day in the last six months, after the person joined."""
    days = rng.uniform(0, min(POST_PERIOD_DAYS, max(1, joined_days_ago)))
    moment = (now - timedelta(days=days)).replace(
        hour=rng.randint(7, 22), minute=rng.randint(0, 59), second=rng.randint(0, 59)
    )
    return moment if moment < now else now - timedelta(minutes=rng.randint(5, 240))


def _topics_for(person: DemoPerson) -> list[str]:
    topics: list[str] = []
    for interest in person.interests:
        topics += [t for t in INTEREST_TOPICS.get(interest, ()) if t not in topics]
    return topics


def _pick_topic(rng: random.Random, person: DemoPerson) -> str:
    own = _topics_for(person)
    if person.email == ANNA.email and rng.random() < 0.5:
        return "bikes"
    if own and rng.random() < 0.8:
        return rng.choice(own)
    return rng.choice(EVERYDAY_TOPICS)


REGION_WORDS: dict[str, dict[str, str]] = NETWORK["region_words"]


def _write_post(
    rng: random.Random, person: DemoPerson, topic: str, used: set[str]
) -> tuple[str, str] | None:
    """(kind, text) of a post on `topic` that uses no template or thing in `used` (and adds
    them), or None. Only parents ask about a child's age."""
    parent = "kids-parenting" in person.interests
    kinds = [
        (kind, template)
        for kind, template in TEMPLATES[topic]
        if template not in used and (parent or "{age}" not in template)
    ]
    if person.email == BEN.email and topic == "bikes" and BEN_BIKE not in used:
        kinds = [("bought", BEN_BIKE)]
    things = [thing for thing in THINGS[topic] if thing not in used]
    if not kinds or not things:
        return None
    kind, template = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k, _ in kinds])[0]
    thing = rng.choice(things)
    used.add(template)
    if "{thing}" in template:
        used.add(thing)
    words = REGION_WORDS.get(person.region, REGION_WORDS["lyon"])
    low, high = PRICES.get(topic, (20, 200))
    price = words["currency"].format(rng.randrange(low, high + 1, 5))
    text = template.format(
        thing=thing,
        price=price,
        town=person.place.split(",")[-1].strip() or "town",
        outdoors=words["outdoors"],
        age=rng.randint(3, 9),
    )
    if "#" not in text and rng.random() < 0.5:
        text += f" #{rng.choice(HASHTAGS[topic])}"
    return kind, text


def _pick_audience(rng: random.Random, kind: str, circle_ids: list[int]) -> tuple[str, list[int]]:
    if kind == "selling":
        choices = {"public": 35, "fof": 25, "friends": 30, "members": 10}
    else:
        choices = {"friends": 58, "fof": 12, "public": 8, "members": 5, "circles": 12, "only_me": 5}
    audience = rng.choices(list(choices), weights=list(choices.values()))[0]
    if audience == Audience.CIRCLES:
        if not circle_ids:
            return Audience.FRIENDS, []
        return Audience.CIRCLES, rng.sample(circle_ids, min(len(circle_ids), rng.randint(1, 2)))
    return audience, []


@demo_step
def seed_comments() -> str:
    """About a hundred and fifty comments from friends who can see the post, and the authors'
    thanks, with the notifications and tie strengths `comment_create` would have left."""
    members = members_by_email()
    ids = [user.pk for user in members.values()]
    existing = Comment.objects.filter(post__author_id__in=ids)
    if existing.exists():
        return f"Comments: {existing.count()} (already seeded, 0 new)"
    rng = random.Random(SOCIAL_SEED + 5)
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=ids, is_active=True).select_related("profile")
    }
    graph = friend_graph(members)
    posts = list(
        Post.objects.filter(author_id__in=users)
        .exclude(audience=Audience.ONLY_ME)
        .prefetch_related("circles__memberships")
        .order_by("created_at", "pk")
    )
    if not posts:
        return "Comments: 0 (no posts to comment on)"
    weights = [3 if "?" in post.text else 1 for post in posts]
    now = timezone.now()
    dated: list[tuple[int, int, str, datetime]] = []
    commented: set[int] = set()
    for _ in range(COMMENTS * 3):
        if len(dated) >= COMMENTS:
            break
        post = rng.choices(posts, weights=weights)[0]
        if post.pk in commented:
            continue
        commented.add(post.pk)
        readers = _friends_who_see(post, graph, users)
        if not readers:
            continue
        when = post.created_at
        lines, replies = _comment_lines(post.text)
        for reader in rng.sample(readers, min(len(readers), rng.choices([1, 2, 3], [5, 3, 1])[0])):
            when = min(now, when + timedelta(minutes=rng.randint(10, 36 * 60)))
            dated.append((reader, post.pk, rng.choice(lines), when))
            if rng.random() < 0.25:
                when = min(now, when + timedelta(minutes=rng.randint(5, 12 * 60)))
                dated.append((post.author_id, post.pk, rng.choice(replies), when))
    # Their authors have seen the notices of all but the last few days' comments.
    comments_create(
        comments=[
            NewComment(
                author_id,
                post_id,
                text,
                at=when,
                seen_at=when + timedelta(hours=2) if when < now - timedelta(days=3) else None,
            )
            for author_id, post_id, text, when in dated
        ]
    )
    return f"Comments: {len(dated)} on {len(commented)} posts ({len(dated)} new)"


def _friends_who_see(post: Post, graph, users) -> list[int]:
    """The author's friends whom the post's audience lets in (blocked pairs are never friends)."""
    friends = [pk for pk in sorted(graph[post.author_id]) if pk in users]
    if post.audience == Audience.CIRCLES:
        inside = {m.member_id for c in post.circles.all() for m in c.memberships.all()}
        friends = [pk for pk in friends if pk in inside]
    return friends


def _comment_lines(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What friends say under a post like this, and what its author answers."""
    if any(word in text for word in ("Selling", "for sale", "Clearing", "Giving away", "Spare")):
        return SALE_COMMENTS, SALE_REPLIES
    if "?" in text:
        return ADVICE_COMMENTS, ADVICE_REPLIES
    return NEWS_COMMENTS, NEWS_REPLIES


# --- What people write ----------------------------------------------------------------------

# The texts are in `demo/data/network.toml`.
INTEREST_TOPICS: dict[str, tuple[str, ...]] = tupled(NETWORK["interest_topics"])
EVERYDAY_TOPICS: tuple[str, ...] = tupled(NETWORK["everyday_topics"])
BEN_BIKE: str = NETWORK["ben_bike"]

KIND_WEIGHTS = {"want": 3, "bought": 3, "selling": 2, "advice": 3, "review": 2}

TEMPLATES: dict[str, list[tuple[str, str]]] = {
    topic: list(tupled(templates)) for topic, templates in NETWORK["templates"].items()
}
THINGS: dict[str, tuple[str, ...]] = tupled(NETWORK["things"])
HASHTAGS: dict[str, tuple[str, ...]] = tupled(NETWORK["hashtags"])
PRICES: dict[str, tuple[int, int]] = tupled(NETWORK["prices"])
PRIVATE_NOTES: tuple[str, ...] = tupled(NETWORK["private_notes"])
ADVICE_COMMENTS: tuple[str, ...] = tupled(NETWORK["advice_comments"])
SALE_COMMENTS: tuple[str, ...] = tupled(NETWORK["sale_comments"])
NEWS_COMMENTS: tuple[str, ...] = tupled(NETWORK["news_comments"])
ADVICE_REPLIES: tuple[str, ...] = tupled(NETWORK["advice_replies"])
SALE_REPLIES: tuple[str, ...] = tupled(NETWORK["sale_replies"])
NEWS_REPLIES: tuple[str, ...] = tupled(NETWORK["news_replies"])
