"""The social side of the demo community: who is friends with whom, circles, a few blocks, and
six months of people talking about what they want, bought and sell.

The steps register with `demo.people` (see `DemoConfig.ready`) and run after the people
exist. Like the people steps they are deterministic (a fixed random seed over the fixed
roster) and idempotent, but at a coarser grain: each step seeds its part once, and skips when the
demo people already have such data. A presenter's unfriending, deleted posts or new circles
therefore survive a restart rather than being "repaired".

Friend requests, blocks and custom circles go through the services. The rest is planned in
Python and written in bulk, a few queries per step instead of thousands (the seed runs on every
`make run` and in tests), keeping what the services keep: two directed rows per friendship,
circles that hold friends only, posts tagged by the `social.topics` rules, and for each comment
the author's notification and a slightly stronger tie.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.errors import DomainError
from demo.people import ANNA, BEN, DemoPerson, demo_step, demo_users, roster
from social.audience import Audience, networks_changed
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
    SocialSettings,
    Topic,
)
from social.services.blocks import block_create
from social.services.circles import circle_create, circles_create_defaults
from social.services.friends import friend_request_send
from social.services.posts import tags_of

SOCIAL_SEED = 20260602
MIN_FRIENDS, MAX_FRIENDS = 4, 20
ANNA_FRIENDS = 15
BEN_FRIENDS = 12
POSTS = 300
COMMENTS = 150
POST_PERIOD_DAYS = 182
BLOCKS = 3


# --- The planned graph ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tie:
    """A planned friendship: how strong each side feels it, and for how long it has existed."""

    a: str
    b: str
    a_to_b: float
    b_to_a: float
    days: int
    family: bool = False


def _surname(person: DemoPerson) -> str:
    local = person.email.split("@")[0]
    return local.split(".", 1)[1] if "." in local else ""


def _strengths(rng: random.Random, low: float = 1.0, high: float = 5.0) -> tuple[float, float]:
    # Most ties are middling, a few close, a few barely more than acquaintance; each side sees
    # the tie a little differently.
    one = rng.triangular(low, high, (low + high) / 2 - 0.5)
    other = min(high, max(low, one + rng.uniform(-0.8, 0.8)))
    return round(one, 1), round(other, 1)


@cache
def planned_ties() -> tuple[Tie, ...]:
    """Every friendship of the demo, always the same.

    Mostly within a region, with a few ties across; relatives (same region, same family name)
    are close; Anna has about fifteen friends, several of them cyclists, Ben about twelve, half
    shared with Anna, so each has friends of friends to be suggested."""
    rng = random.Random(SOCIAL_SEED)
    people = list(roster())
    by_email = {person.email: person for person in people}
    ties: dict[tuple[str, str], Tie] = {}
    friends: dict[str, list[str]] = {person.email: [] for person in people}

    def link(a: str, b: str, *, strengths: tuple[float, float] | None = None, family=False):
        key = (a, b) if a < b else (b, a)
        if a == b or key in ties:
            return
        a_to_b, b_to_a = strengths or _strengths(rng)
        joined = min(by_email[a].joined_days_ago, by_email[b].joined_days_ago)
        ties[key] = Tie(a, b, a_to_b, b_to_a, rng.randint(1, max(1, joined)), family)
        friends[a].append(b)
        friends[b].append(a)

    def cycles(person: DemoPerson) -> bool:
        return "cycling" in person.interests

    link(ANNA.email, BEN.email, strengths=(4.6, 4.3))

    # Relatives: same region and family name.
    for i, one in enumerate(people):
        for other in people[i + 1 :]:
            if one.region == other.region and _surname(one) and _surname(one) == _surname(other):
                link(one.email, other.email, strengths=_strengths(rng, 3.5, 5.0), family=True)

    # Anna: cyclists from Lyon first, then other neighbours, then two cyclists further away.
    lyon = [p for p in people if p.region == ANNA.region and p.email not in (ANNA.email, BEN.email)]
    lyon_cyclists = [p for p in lyon if cycles(p)]
    rng.shuffle(lyon_cyclists)
    others = [p for p in lyon if not cycles(p)]
    rng.shuffle(others)
    far_cyclists = [p for p in people if p.region != ANNA.region and cycles(p)]
    rng.shuffle(far_cyclists)
    picks = (lyon_cyclists[:7] + others + lyon_cyclists[7:])[: ANNA_FRIENDS - 3] + far_cyclists[:2]
    for person in picks:
        link(ANNA.email, person.email)

    # Ben: half of his friends shared with Anna, the rest his own (climbers first).
    shared = [email for email in friends[ANNA.email] if email != BEN.email]
    rng.shuffle(shared)
    shared.sort(key=lambda email: "climbing" not in by_email[email].interests)
    for email in shared[: BEN_FRIENDS // 2 - 1]:
        link(BEN.email, email)
    own = [p for p in people if p.email not in friends[ANNA.email] and p.email != ANNA.email]
    own.sort(key=lambda p: ("climbing" not in p.interests, p.region != BEN.region, rng.random()))
    for person in own:
        if len(friends[BEN.email]) >= BEN_FRIENDS:
            break
        link(BEN.email, person.email)

    # Everyone else: each wants a handful of friends, found mostly nearby and among people who
    # share an interest. Anna's and Ben's lists are complete, so they take no more.
    closed = {ANNA.email, BEN.email}
    wanted = {p.email: rng.randint(5, 12) for p in people}
    order = [p for p in people if p.email not in closed]
    rng.shuffle(order)
    for _ in range(40):
        added = False
        for person in order:
            if len(friends[person.email]) >= wanted[person.email]:
                continue
            candidates, weights = [], []
            for other in people:
                if (
                    other.email in closed
                    or other.email == person.email
                    or other.email in friends[person.email]
                    or len(friends[other.email]) >= min(MAX_FRIENDS, wanted[other.email] + 2)
                ):
                    continue
                shared_interests = len(set(person.interests) & set(other.interests))
                nearby = other.region == person.region
                candidates.append(other.email)
                weights.append(
                    (10 + 4 * shared_interests) if nearby else (0.4 + 0.3 * shared_interests)
                )
            if candidates:
                link(person.email, rng.choices(candidates, weights=weights)[0])
                added = True
        if not added:
            break
    for person in order:
        while len(friends[person.email]) < MIN_FRIENDS:
            candidates = [
                p.email
                for p in people
                if p.email not in closed
                and p.email != person.email
                and p.email not in friends[person.email]
                and len(friends[p.email]) < MAX_FRIENDS
            ]
            link(person.email, rng.choice(candidates))
    return tuple(ties.values())


# --- Reading what is there ------------------------------------------------------------------


def _members() -> dict[str, User]:
    """The roster's accounts (not the staff ones), by email."""
    users = demo_users()
    return {person.email: users[person.email] for person in roster() if person.email in users}


def _friend_graph(members: dict[str, User]) -> dict[int, dict[int, float]]:
    """user id -> {friend id: tie strength} among the demo people, as the database has it now
    (friends a presenter made outside the roster are left out)."""
    ids = [user.pk for user in members.values()]
    graph: dict[int, dict[int, float]] = defaultdict(dict)
    rows = Friendship.objects.filter(user_id__in=ids, friend_id__in=ids).values_list(
        "user_id", "friend_id", "tie_strength"
    )
    for user_id, friend_id, strength in rows:
        graph[user_id][friend_id] = strength
    return graph


def _people_by_id(members: dict[str, User]) -> dict[int, DemoPerson]:
    by_email = {person.email: person for person in roster()}
    return {user.pk: by_email[email] for email, user in members.items()}


# --- Steps ----------------------------------------------------------------------------------


@demo_step
def seed_social_settings() -> str:
    """Default circles and settings: demo accounts are bulk-made, so no signal gave them any."""
    users = list(demo_users().values())
    with_settings = set(
        SocialSettings.objects.filter(user__in=users).values_list("user_id", flat=True)
    )
    missing = [user for user in users if user.pk not in with_settings]
    SocialSettings.objects.bulk_create([SocialSettings(user=user) for user in missing])
    before = Circle.objects.filter(owner__in=users).count()
    for user in users:
        circles_create_defaults(owner=user)
    made = Circle.objects.filter(owner__in=users).count() - before
    return f"Social settings: {len(missing)} new; default circles: {made} new"


@demo_step
def seed_friendships() -> str:
    members = _members()
    ids = [user.pk for user in members.values()]
    existing = Friendship.objects.filter(user_id__in=ids, friend_id__in=ids)
    if existing.exists():
        return f"Friendships: {existing.count() // 2} pairs (already seeded, 0 new)"
    ties = [tie for tie in planned_ties() if tie.a in members and tie.b in members]
    if not ties:
        return "Friendships: 0 pairs (nobody to befriend)"
    rows = []
    for tie in ties:
        a, b = members[tie.a], members[tie.b]
        rows.append(Friendship(user=a, friend=b, tie_strength=tie.a_to_b))
        rows.append(Friendship(user=b, friend=a, tie_strength=tie.b_to_a))
    Friendship.objects.bulk_create(rows, ignore_conflicts=True)
    networks_changed(ids)  # bulk_create sends no post_save: the versions are moved here
    # Friends since some day after both joined: auto_now_add stamped them all "now".
    now = timezone.now()
    since = {}
    for tie in ties:
        a, b = members[tie.a].pk, members[tie.b].pk
        since[a, b] = since[b, a] = now - timedelta(days=tie.days)
    written = list(existing)
    for row in written:
        row.created_at = since[row.user_id, row.friend_id]
    Friendship.objects.bulk_update(written, ["created_at"], batch_size=200)
    degrees = Counter(row.user_id for row in written)
    return (
        f"Friendships: {len(ties)} pairs, {min(degrees.values())} to {max(degrees.values())} "
        f"friends each ({len(ties)} new)"
    )


CUSTOM_CIRCLES = {
    "board-games": "Board game night",
    "books": "Book club",
    "climbing": "Climbing crew",
    "cycling": "Cycling club",
    "hiking": "Hiking group",
    "music": "Band mates",
    "running": "Running buddies",
    "kids-parenting": "School gate parents",
    "football": "Five-a-side",
    "cooking": "Supper club",
}


@demo_step
def seed_circles() -> str:
    """Relatives in Family, the closest few in Close friends, some neighbours in Work, and a
    custom circle for a shared hobby here and there (Anna's "Cycling club")."""
    members = _members()
    ids = [user.pk for user in members.values()]
    if CircleMembership.objects.filter(circle__owner_id__in=ids).exists():
        total = CircleMembership.objects.filter(circle__owner_id__in=ids).count()
        return f"Circles: {total} memberships (already seeded, 0 new)"
    rng = random.Random(SOCIAL_SEED + 1)
    graph = _friend_graph(members)
    people = _people_by_id(members)
    family_pairs = {
        (members[t.a].pk, members[t.b].pk)
        for t in planned_ties()
        if t.family and t.a in members and t.b in members
    }
    circles_of: dict[int, dict[str, Circle]] = defaultdict(dict)
    for circle in Circle.objects.filter(owner_id__in=ids):
        circles_of[circle.owner_id][circle.name.lower()] = circle
    custom_made = 0
    rows: list[CircleMembership] = []
    for email, owner in members.items():
        friends = sorted(graph[owner.pk].items(), key=lambda item: (-item[1], item[0]))
        if not friends:
            continue
        circles = circles_of[owner.pk]
        placed: dict[int, list[int]] = defaultdict(list)
        family = [
            fid
            for fid, _ in friends
            if (owner.pk, fid) in family_pairs or (fid, owner.pk) in family_pairs
        ]
        if not family and email not in (ANNA.email, BEN.email) and rng.random() < 0.3:
            family = [friends[0][0]]  # a partner with another family name
        close = [fid for fid, _ in friends if fid not in family][: rng.randint(2, 4)]
        region = people[owner.pk].region
        nearby = [fid for fid, _ in friends if people[fid].region == region and fid not in family]
        work = rng.sample(nearby, min(len(nearby), rng.randint(0, 3)))
        for name, chosen in (("Family", family), ("Close friends", close), ("Work", work)):
            if name.lower() in circles:
                for fid in chosen:
                    placed[fid].append(circles[name.lower()].pk)
        hobby = _custom_circle_hobby(rng, owner, email, friends, people)
        if hobby is not None:
            slug, fans = hobby
            name = CUSTOM_CIRCLES[slug]
            circle = circles.get(name.lower()) or circle_create(owner=owner, name=name)
            custom_made += 1
            for fid in fans:
                placed[fid].append(circle.pk)
        # Written in bulk: every member comes from the owner's friend list, the rule
        # circle_memberships_set enforces one friend at a time.
        rows += [
            CircleMembership(circle_id=circle_id, member_id=fid)
            for fid in sorted(placed)
            for circle_id in dict.fromkeys(placed[fid])
        ]
    CircleMembership.objects.bulk_create(rows, ignore_conflicts=True)
    networks_changed(ids)  # bulk_create sends no post_save: the versions are moved here
    memberships = len(rows)
    return f"Circles: {memberships} memberships, {custom_made} custom circles ({memberships} new)"


def _custom_circle_hobby(rng, owner, email, friends, people):
    """(interest slug, friend ids) for a custom circle, or None. Anna always has her cycling
    club and Ben his climbing crew; others sometimes get one for a hobby three friends share."""
    fixed = {ANNA.email: "cycling", BEN.email: "climbing"}
    owner_interests = people[owner.pk].interests
    choices = (
        [fixed[email]] if email in fixed else [s for s in owner_interests if s in CUSTOM_CIRCLES]
    )
    for slug in choices:
        fans = [fid for fid, _ in friends if slug in people[fid].interests]
        if email in fixed and fans:
            return slug, fans
        if len(fans) >= 3 and rng.random() < 0.35:
            return slug, fans
    return None


@demo_step
def seed_blocks() -> str:
    """A few people who fell out, far from Anna and Ben: neither is their friend."""
    members = _members()
    ids = [user.pk for user in members.values()]
    existing = Block.objects.filter(blocker_id__in=ids, blocked_id__in=ids)
    if existing.exists():
        return f"Blocks: {existing.count()} (already seeded, 0 new)"
    graph = _friend_graph(members)
    anna, ben = members.get(ANNA.email), members.get(BEN.email)
    spared = {user.pk for user in (anna, ben) if user}
    for user in (anna, ben):
        if user:
            spared |= set(graph[user.pk])
    rng = random.Random(SOCIAL_SEED + 2)
    candidates = sorted(
        (email for email, user in members.items() if user.pk not in spared), key=str
    )
    rng.shuffle(candidates)
    made = 0
    used: set[str] = set()
    for i, one in enumerate(candidates):
        if made >= BLOCKS:
            break
        if one in used:
            continue
        for other in candidates[i + 1 :]:
            a, b = members[one], members[other]
            if other in used or b.pk in graph[a.pk]:
                continue
            block_create(blocker=a, blocked=b)
            used |= {one, other}
            made += 1
            break
    return f"Blocks: {made} ({made} new)"


@demo_step
def seed_friend_requests() -> str:
    """Requests waiting for Anna (three) and Ben (two), from friends of their friends."""
    members = _members()
    targets = [(members[e], n) for e, n in ((ANNA.email, 3), (BEN.email, 2)) if e in members]
    ids = [user.pk for user in members.values()]
    existing = FriendRequest.objects.filter(
        to_user__in=[user for user, _ in targets], from_user_id__in=ids
    )
    if existing.exists() or not targets:
        return f"Friend requests: {existing.count()} (already seeded, 0 new)"
    graph = _friend_graph(members)
    blocked = set(Block.objects.values_list("blocker_id", "blocked_id"))
    rng = random.Random(SOCIAL_SEED + 3)
    users = {user.pk: user for user in members.values() if user.is_active}
    asked: set[int] = set()
    made = 0
    for target, count in targets:
        fof = sorted(
            {
                other
                for friend in graph[target.pk]
                for other in graph[friend]
                if other != target.pk and other not in graph[target.pk] and other not in asked
            }
        )
        fof = [
            pk
            for pk in fof
            if pk in users and (pk, target.pk) not in blocked and (target.pk, pk) not in blocked
        ]
        for pk in rng.sample(fof, min(count, len(fof))):
            try:
                friend_request_send(sender=users[pk], recipient=target)
            except DomainError:
                continue  # e.g. the target already asked them; the demo does without
            asked.add(pk)
            made += 1
    return f"Friend requests: {made} waiting for Anna and Ben ({made} new)"


@demo_step
def seed_posts() -> str:
    """About three hundred posts over the last six months: wants, finds, sales and questions."""
    members = _members()
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
    planned: list[tuple[Post, list[int], datetime]] = []
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
            kind, text = written
            audience, circle_ids = _pick_audience(rng, kind, circles_with_members[author.pk])
            if audience == Audience.ONLY_ME:
                text = rng.choice(PRIVATE_NOTES).format(thing=rng.choice(THINGS[topic]))
            post = Post(author=author, text=text, audience=audience)
            planned.append((post, circle_ids, _moment(rng, now, person.joined_days_ago)))
    _write_posts(planned)
    return f"Posts: {len(planned)} by {len(counts)} people over six months ({len(planned)} new)"


def _write_posts(planned: list[tuple[Post, list[int], datetime]]) -> None:
    """What post_create does for one post, for hundreds in a few queries: the posts, their
    circles and their tags (by the same `social.topics` rules), then their real dates (which
    auto_now_add overwrote on insert)."""
    posts = Post.objects.bulk_create([post for post, _, _ in planned], batch_size=200)
    Post.circles.through.objects.bulk_create(
        [
            Post.circles.through(post_id=post.pk, circle_id=circle_id)
            for post, circle_ids, _ in planned
            for circle_id in circle_ids
        ]
    )
    topics = list(Topic.objects.values_list("slug", "keywords"))
    PostTag.objects.bulk_create(
        [tag for post in posts for tag in tags_of(post, topics)],
        batch_size=500,
        ignore_conflicts=True,
    )
    for post, _, when in planned:
        post.created_at = post.updated_at = when
    Post.objects.bulk_update(posts, ["created_at", "updated_at"], batch_size=100)


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


REGION_WORDS = {
    "lyon": {"currency": "{} €", "outdoors": "the Vercors"},
    "bristol": {"currency": "£{}", "outdoors": "the Brecon Beacons"},
    "portland": {"currency": "${}", "outdoors": "the Gorge"},
}


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
    members = _members()
    ids = [user.pk for user in members.values()]
    existing = Comment.objects.filter(post__author_id__in=ids)
    if existing.exists():
        return f"Comments: {existing.count()} (already seeded, 0 new)"
    rng = random.Random(SOCIAL_SEED + 5)
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=ids, is_active=True).select_related("profile")
    }
    graph = _friend_graph(members)
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
    dated: list[tuple[Comment, datetime]] = []
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
            dated.append((Comment(post=post, author_id=reader, text=rng.choice(lines)), when))
            if rng.random() < 0.25:
                when = min(now, when + timedelta(minutes=rng.randint(5, 12 * 60)))
                reply = Comment(post=post, author_id=post.author_id, text=rng.choice(replies))
                dated.append((reply, when))
    _write_comments(dated, users, now)
    return f"Comments: {len(dated)} on {len(commented)} posts ({len(dated)} new)"


def _friends_who_see(post: Post, graph, users) -> list[int]:
    """The author's friends whom the post's audience lets in (blocked pairs are never friends)."""
    friends = [pk for pk in sorted(graph[post.author_id]) if pk in users]
    if post.audience == Audience.CIRCLES:
        inside = {m.member_id for c in post.circles.all() for m in c.memberships.all()}
        friends = [pk for pk in friends if pk in inside]
    return friends


def _write_comments(dated: list[tuple[Comment, datetime]], users, now: datetime) -> None:
    """What comment_create does for one comment, for all of them in a few queries: the
    comments at their real dates, a notice to the post's author (read, unless recent), and a
    slightly stronger tie both ways for every comment on a friend's post."""
    comments = Comment.objects.bulk_create([comment for comment, _ in dated], batch_size=200)
    for comment, when in dated:
        comment.created_at = when
    Comment.objects.bulk_update(comments, ["created_at"], batch_size=100)

    by_others = [(c, when) for c, when in dated if c.author_id != c.post.author_id]
    notes = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=comment.post.author_id,
                kind=Notification.Kind.COMMENT,
                actor_id=comment.author_id,
                text=f"{users[comment.author_id].display_name} commented on your post.",
                url=reverse("social:post", args=[comment.post_id]),
                read_at=when + timedelta(hours=2) if when < now - timedelta(days=3) else None,
            )
            for comment, when in by_others
        ],
        batch_size=200,
    )
    for note, (_, when) in zip(notes, by_others, strict=True):
        note.created_at = when
    Notification.objects.bulk_update(notes, ["created_at"], batch_size=100)

    raised = Counter()
    for comment, _ in by_others:
        raised[comment.post.author_id, comment.author_id] += 1
        raised[comment.author_id, comment.post.author_id] += 1
    ties = [
        tie
        for tie in Friendship.objects.filter(user_id__in={user for user, _ in raised})
        if (tie.user_id, tie.friend_id) in raised
    ]
    for tie in ties:
        tie.tie_strength = min(
            10.0, round(tie.tie_strength + 0.1 * raised[tie.user_id, tie.friend_id], 1)
        )
    Friendship.objects.bulk_update(ties, ["tie_strength"], batch_size=200)


def _comment_lines(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What friends say under a post like this, and what its author answers."""
    if any(word in text for word in ("Selling", "for sale", "Clearing", "Giving away", "Spare")):
        return SALE_COMMENTS, SALE_REPLIES
    if "?" in text:
        return ADVICE_COMMENTS, ADVICE_REPLIES
    return NEWS_COMMENTS, NEWS_REPLIES


# --- What people write ----------------------------------------------------------------------

# The topics each declared interest makes people talk about (slugs of social migration 0002).
INTEREST_TOPICS: dict[str, tuple[str, ...]] = {
    "board-games": ("board-games", "toys"),
    "books": ("books", "tablets"),
    "camping": ("camping-gear", "coats-jackets"),
    "climbing": ("climbing-gear", "hiking-boots"),
    "coffee": ("coffee-machines",),
    "cooking": ("kitchen", "coffee-machines"),
    "crafts": ("tools", "furniture"),
    "cycling": ("bikes", "bike-accessories"),
    "fashion": ("coats-jackets",),
    "film": ("headphones", "tablets"),
    "football": ("fitness", "running-shoes"),
    "gaming": ("game-consoles", "laptops"),
    "gardening": ("garden", "tools"),
    "hiking": ("hiking-boots", "camping-gear"),
    "home-diy": ("tools", "furniture", "sofas"),
    "kids-parenting": ("strollers", "kids-clothes", "toys", "bikes"),
    "music": ("guitars", "vinyl", "headphones"),
    "pets": ("sofas", "garden"),
    "photography": ("cameras",),
    "running": ("running-shoes", "fitness"),
    "skiing": ("skis", "coats-jackets"),
    "tech-gadgets": ("phones", "laptops", "tablets", "headphones"),
    "travel": ("camping-gear", "phones", "tablets"),
    "vintage": ("furniture", "vinyl", "cameras"),
    "yoga": ("fitness",),
}

# What everyone shops for now and then, whatever their hobbies.
EVERYDAY_TOPICS = ("phones", "laptops", "furniture", "sofas", "kitchen", "books", "coats-jackets")

BEN_BIKE = "Finally bought a Trek Marlin 7 — loving it on the trails"

KIND_WEIGHTS = {"want": 3, "bought": 3, "selling": 2, "advice": 3, "review": 2}

TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "bikes": [
        ("want", "Looking for a kids' bike for my {age}-year-old, any tips? #bikes"),
        ("want", "Anyone selling a gravel bike around {town}? Medium frame, up to {price}."),
        ("want", "Thinking about an e-bike for the commute. Worth it for 8 km each way? #cycling"),
        ("bought", "Picked up a second-hand {thing} for {price}. New brake pads and it's perfect."),
        ("bought", "Finally bought a {thing} and I'm out on it every evening."),
        ("selling", "Selling my {thing}: serviced last month, new tyres. {price}, in {town}."),
        (
            "advice",
            "Road bike or gravel bike for mostly commuting and the odd weekend loop? #bikes",
        ),
        ("advice", "Balance bike or pedals straight away for a {age}-year-old? #bikes"),
        ("review", "Six months with my {thing}: comfortable, light, gears never skip. #cycling"),
    ],
    "bike-accessories": [
        (
            "want",
            "My bike light died on the way home last night. Which one survives rain? #cycling",
        ),
        ("bought", "New {thing} fitted this weekend, the commute feels brand new."),
        ("selling", "Spare {thing}, used twice, {price}. Anyone?"),
        ("advice", "Panniers or a backpack for a 30-minute commute? My back says panniers."),
        ("review", "The {thing} has done two winters and still looks new. Recommend."),
    ],
    "phones": [
        ("want", "My phone screen cracked again. Repair it or buy a refurbished one? #phones"),
        (
            "bought",
            "Switched to a {thing} after five years on the old one. Battery lasts two days!",
        ),
        ("selling", "Selling my {thing}, always in a case, {price}. #phones"),
        ("advice", "Which phone has the best camera for under {price}? Mostly photos of the kids."),
        ("review", "Three months with the {thing}: repairable, decent camera, no regrets."),
    ],
    "laptops": [
        ("want", "Need a light laptop for uni, budget {price}. Mac or ThinkPad? #laptops"),
        ("bought", "Got a refurbished {thing} from a friend of a friend. Runs like new."),
        ("selling", "Selling my {thing}, 16 GB RAM, new battery. {price}. Can show it working."),
        ("advice", "Upgrade the SSD in my old laptop, or sell it and move on?"),
    ],
    "tablets": [
        ("want", "Looking for a second-hand e-reader for my mum: big text, simple. Ideas?"),
        ("bought", "Got a used {thing} for {price} and I'm reading every night again."),
        ("selling", "{thing} for sale, barely used since I got a laptop. {price}."),
        ("advice", "Kindle or Kobo if I borrow most books from the library?"),
    ],
    "cameras": [
        ("want", "Looking for a {thing}, second-hand is fine. Anyone upgrading? #photography"),
        ("bought", "Bought an old {thing} at the flea market for {price}. First roll came out!"),
        ("selling", "Selling my {thing} with two batteries and a bag, {price}. #photography"),
        ("advice", "Mirrorless or DSLR for a beginner who mostly shoots street photos?"),
        ("review", "Took the {thing} hiking for a week. Light, sharp, weatherproof enough."),
    ],
    "headphones": [
        ("want", "Noise cancelling headphones for the train: Sony or Bose? #headphones"),
        ("bought", "The {thing} made my open-plan office bearable."),
        ("selling", "Selling {thing}, boxed, {price}."),
        ("review", "A year with the {thing}: still the best thing I bought for working from home."),
    ],
    "game-consoles": [
        ("want", "Anyone have an old Nintendo Switch they don't use? Nephew's birthday is soon."),
        ("bought", "Picked up a {thing} second-hand; the kids haven't moved since. #gaming"),
        ("selling", "Selling my {thing} with two controllers, {price}. #gaming"),
        ("advice", "Steam Deck or a gaming laptop for someone who travels a lot?"),
    ],
    "vinyl": [
        (
            "want",
            "Looking for a turntable under {price} to play my dad's record collection. #vinyl",
        ),
        ("bought", "Found a {thing} at the Sunday market for {price}. Spun records all evening."),
        ("selling", "Clearing out some vinyl: jazz and 70s rock, {price} for the lot."),
        ("advice", "Does anyone know where in {town} to get a record player serviced?"),
    ],
    "guitars": [
        ("want", "Want to learn guitar at 40. A cheap acoustic to start, or is that a trap?"),
        ("bought", "Bought a used {thing} from someone in {town}. Plays beautifully."),
        ("selling", "Selling my {thing} and a small amp, {price}. Moving flat. #music"),
        ("advice", "Ukulele for a {age}-year-old, or straight to a small guitar?"),
    ],
    "furniture": [
        ("want", "Looking for a solid wooden desk for a small room, around {price}. #furniture"),
        ("bought", "Found a lovely {thing} on the marketplace for {price}; just needed sanding."),
        ("selling", "Selling our {thing}, we move next month. {price}, pick-up in {town}."),
        ("advice", "Flat-pack or second-hand solid wood for a first flat? #furniture"),
    ],
    "sofas": [
        ("want", "Anyone getting rid of a sofa bed? The guest room is empty. #sofas"),
        ("bought", "Second-hand {thing} arrived today. The cat approves."),
        (
            "selling",
            "Selling our {thing}, three years old, no stains, {price}. Collection in {town}.",
        ),
        ("advice", "Leather or fabric sofa with a toddler and a dog? Be honest."),
    ],
    "strollers": [
        ("want", "Which pram folds small enough for a tiny car boot? First baby in spring!"),
        ("bought", "Bought a second-hand {thing} for {price}, half the shop price, looks new."),
        ("selling", "Selling our {thing}: washed covers, {price}. Ready for a new family."),
        ("advice", "Pushchair recommendations for cobbled streets? Ours rattles like a tin can."),
    ],
    "kids-clothes": [
        ("want", "Anyone have kids' clothes in size 4–5 to pass on? Ours outgrow everything."),
        ("bought", "Got a huge bag of baby clothes from a neighbour for {price}. Saved a fortune."),
        ("selling", "Selling a bundle of kids' clothes, age 2–3, mostly winter things, {price}."),
        ("advice", "Where do you all find school uniform second-hand in {town}?"),
    ],
    "toys": [
        ("want", "Looking for second-hand Lego for a birthday, any bundles out there? #lego"),
        ("bought", "Found a {thing} at a car boot sale for {price}. Birthday sorted."),
        ("selling", "Clearing out toys: a {thing} and a box of Duplo, {price} for everything."),
    ],
    "books": [
        ("want", "Book recommendations for a long train trip? Novels, nothing too sad. #books"),
        ("bought", "Came home from the second-hand bookshop with six paperbacks. Again. #books"),
        ("selling", "Giving away a box of novels, mostly crime. Pick-up in {town}."),
        ("review", "Just finished {thing}, best book I've read this year. #books"),
        ("advice", "Book club is choosing the next one. Suggestions under 400 pages?"),
    ],
    "running-shoes": [
        ("want", "My running shoes have 900 km on them. What are you all running in? #running"),
        ("bought", "New {thing} for the half-marathon. Feet already happier."),
        ("selling", "Selling {thing}, worn twice, too narrow for me. {price}."),
        ("advice", "Trail shoes or road shoes for mixed park paths?"),
    ],
    "hiking-boots": [
        ("want", "Hiking boots that don't need a month of breaking in? #hiking"),
        ("bought", "Resoled my old {thing} instead of buying new. Ten years and counting."),
        ("selling", "Selling {thing}, worn on one trip, {price}."),
        ("review", "Walked {outdoors} in the {thing} all weekend. Dry feet, no blisters."),
    ],
    "camping-gear": [
        ("want", "Need a two-person tent for a weekend in {outdoors}. Borrow, rent or buy?"),
        ("bought", "New {thing} tested in {outdoors} last weekend. Warm and dry. #camping"),
        ("selling", "Selling my old {thing}, still waterproof, {price}. #camping"),
        ("advice", "Down or synthetic sleeping bag for spring camping?"),
    ],
    "climbing-gear": [
        ("want", "Anyone selling climbing shoes in 41? Mine have a hole in the toe. #climbing"),
        ("bought", "Picked up a {thing} from someone at the gym for {price}."),
        ("selling", "Selling my {thing}, {price}. Retiring from the crag, sadly."),
        ("advice", "Is a second-hand harness OK, or is that a no-go?"),
    ],
    "skis": [
        ("want", "Season's coming: anyone selling ski boots, size 27.5? #skiing"),
        ("bought", "Got my {thing} at the end-of-season swap for {price}. Can't wait for snow."),
        ("selling", "Selling my {thing}, waxed and edged. {price}. #skiing"),
        ("advice", "Second-hand ski touring setup: good idea or asking for trouble?"),
    ],
    "board-games": [
        ("want", "Looking for a board game for 6+ players that isn't Monopoly. Go! #boardgames"),
        ("bought", "Bought {thing} second-hand, all pieces there. Board game night sorted."),
        ("selling", "Shelf clear-out: {thing} and two expansions, {price}. #boardgames"),
        ("review", "{thing} is the board game that finally got my parents playing. #boardgames"),
    ],
    "coffee-machines": [
        ("want", "Thinking about a proper espresso machine. Who has one they love? #coffee"),
        ("bought", "New-to-me {thing} from a friend of a friend. Mornings have levelled up."),
        ("selling", "Selling my {thing}, descaled and working perfectly, {price}."),
        ("advice", "Is a good burr grinder worth more than a fancy machine? #coffee"),
    ],
    "kitchen": [
        ("want", "Looking for a cast iron pan that will outlive me. #cooking"),
        ("bought", "Found a {thing} at a flea market for {price}. Cooking with it all weekend."),
        ("selling", "Selling a {thing}, used maybe five times. {price}."),
        ("advice", "Air fryer: life-changing or cupboard clutter?"),
    ],
    "tools": [
        ("want", "Can anyone lend me a drill this weekend? Shelves won't hang themselves. #diy"),
        ("bought", "Finally bought my own {thing} instead of borrowing my dad's."),
        ("selling", "Selling my {thing}, barely used, {price}. #diy"),
        ("advice", "Is the pro range of power tools worth it for home DIY?"),
    ],
    "garden": [
        ("want", "Anyone got a lawnmower they no longer need? Small garden. #gardening"),
        ("bought", "Second-hand {thing} for {price}: best money I've spent this spring."),
        ("selling", "Selling our {thing}, we moved to a flat. {price}."),
    ],
    "coats-jackets": [
        ("want", "Need a waterproof jacket that actually works on the commute. Recommendations?"),
        ("bought", "Found a vintage {thing} in perfect nick for {price}."),
        ("selling", "Selling my {thing}, size M, worn one winter. {price}."),
    ],
    "fitness": [
        ("want", "Looking for a second-hand rowing machine. Small flat, so it has to fold."),
        ("bought", "Bought a {thing} from a neighbour for {price}. Home workouts are back on."),
        ("selling", "Selling my {thing}, barely used (of course). {price}."),
    ],
}

# Every one of these mentions its topic by a keyword of that topic.
THINGS: dict[str, tuple[str, ...]] = {
    "bikes": (
        "Trek Marlin 7 mountain bike",
        "Cannondale Topstone gravel bike",
        "Brompton folding bike",
        "Specialized Allez road bike",
        "Riese & Müller cargo bike",
        "Rockrider mountain bike",
    ),
    "bike-accessories": (
        "Ortlieb panniers",
        "Brooks saddle",
        "Kryptonite bike lock",
        "Shimano 105 groupset",
        "Wahoo turbo trainer",
        "Giro bike helmet",
    ),
    "phones": ("Fairphone 5", "Pixel 8 phone", "iPhone 13", "Samsung Galaxy S22 phone"),
    "laptops": ("ThinkPad T480", "MacBook Air M1", "Dell XPS 13 laptop", "Framework laptop"),
    "tablets": ("Kindle Paperwhite", "Kobo Clara e-reader", "iPad Air", "Samsung tablet"),
    "cameras": (
        "Fujifilm X-T30 camera",
        "Nikon FM2 film camera",
        "Sony a6000 mirrorless camera",
        "Canon 50mm lens",
    ),
    "headphones": (
        "Sony WH-1000XM4 headphones",
        "Bose QC45 headphones",
        "AirPods Pro",
        "Sonos soundbar",
    ),
    "game-consoles": ("PlayStation 4", "Xbox Series S", "Nintendo Switch", "Steam Deck"),
    "vinyl": ("Technics turntable", "Rega record player", "Audio-Technica turntable"),
    "guitars": (
        "Fender Telecaster guitar",
        "Yamaha acoustic guitar",
        "Roland digital piano",
        "Squier bass guitar",
    ),
    "furniture": ("oak dining table", "oak chest of drawers", "old school desk", "pine bookcase"),
    "sofas": ("grey corner sofa", "velvet sofa", "leather couch", "sofa bed"),
    "strollers": ("Bugaboo Fox pram", "Babyzen Yoyo stroller", "Joie travel system"),
    "kids-clothes": ("bag of kids' clothes", "box of baby clothes", "school uniform set"),
    "toys": ("wooden toy kitchen", "Playmobil pirate ship toy", "Lego Technic set"),
    "books": ("Project Hail Mary", "Piranesi", "The Overstory", "Klara and the Sun"),
    "running-shoes": (
        "Nike Pegasus running shoes",
        "Hoka Clifton running shoes",
        "Salomon trail shoes",
    ),
    "hiking-boots": ("Meindl walking boots", "Scarpa hiking boots", "Salomon hiking boots"),
    "camping-gear": (
        "MSR Hubba Hubba tent",
        "Rab down sleeping bag",
        "Thermarest sleeping mat",
        "Jetboil camping stove",
    ),
    "climbing-gear": (
        "Black Diamond harness",
        "La Sportiva climbing shoes",
        "crash pad",
        "set of quickdraws",
    ),
    "skis": ("Rossignol skis", "Burton snowboard", "Salomon ski boots", "Atomic touring skis"),
    "board-games": ("Catan", "Wingspan", "Ticket to Ride", "Carcassonne"),
    "coffee-machines": (
        "Gaggia Classic espresso machine",
        "Rancilio Silvia espresso machine",
        "Baratza coffee grinder",
        "Bialetti moka pot",
    ),
    "kitchen": ("Le Creuset dutch oven", "KitchenAid stand mixer", "cast iron skillet"),
    "tools": ("Makita drill", "Bosch circular saw", "DeWalt mitre saw", "sturdy workbench"),
    "garden": ("electric lawnmower", "wheelbarrow", "small greenhouse", "hedge trimmer"),
    "coats-jackets": ("Patagonia down jacket", "Barbour waxed jacket", "wool coat"),
    "fitness": (
        "pair of adjustable dumbbells",
        "kettlebell set",
        "Concept2 rowing machine",
        "foldable treadmill",
    ),
}

HASHTAGS: dict[str, tuple[str, ...]] = {
    "bikes": ("bikes", "cycling", "mtb"),
    "bike-accessories": ("cycling", "bikecommute"),
    "phones": ("phones", "refurbished"),
    "laptops": ("laptops", "refurbished"),
    "tablets": ("reading", "ereader"),
    "cameras": ("photography", "filmisnotdead"),
    "headphones": ("headphones", "wfh"),
    "game-consoles": ("gaming",),
    "vinyl": ("vinyl", "records"),
    "guitars": ("guitar", "music"),
    "furniture": ("furniture", "secondhand", "upcycling"),
    "sofas": ("sofas", "secondhand"),
    "strollers": ("strollers", "parenting"),
    "kids-clothes": ("kidsclothes", "handmedowns"),
    "toys": ("toys", "lego"),
    "books": ("books", "bookclub"),
    "running-shoes": ("running",),
    "hiking-boots": ("hiking",),
    "camping-gear": ("camping",),
    "climbing-gear": ("climbing",),
    "skis": ("skiing",),
    "board-games": ("boardgames",),
    "coffee-machines": ("coffee", "espresso"),
    "kitchen": ("cooking",),
    "tools": ("diy",),
    "garden": ("gardening",),
    "coats-jackets": ("secondhand", "rain"),
    "fitness": ("homegym",),
}

PRICES: dict[str, tuple[int, int]] = {
    "bikes": (150, 900),
    "bike-accessories": (15, 120),
    "phones": (120, 450),
    "laptops": (250, 800),
    "tablets": (40, 200),
    "cameras": (80, 600),
    "headphones": (40, 220),
    "game-consoles": (90, 300),
    "vinyl": (30, 250),
    "guitars": (80, 500),
    "furniture": (30, 250),
    "sofas": (50, 400),
    "strollers": (60, 350),
    "kids-clothes": (5, 40),
    "toys": (10, 80),
    "books": (5, 30),
    "running-shoes": (30, 90),
    "hiking-boots": (40, 140),
    "camping-gear": (30, 250),
    "climbing-gear": (25, 150),
    "skis": (80, 350),
    "board-games": (15, 50),
    "coffee-machines": (40, 400),
    "kitchen": (20, 200),
    "tools": (30, 200),
    "garden": (20, 300),
    "coats-jackets": (30, 180),
    "fitness": (20, 400),
}

PRIVATE_NOTES = (
    "Wishlist: {thing}. Saving up, no impulse buys this time.",
    "Idea for later: {thing}. Check the marketplace first.",
)

ADVICE_COMMENTS = (
    "I got mine second-hand last year, happy to show you.",
    "Ask on the marketplace, there were a couple listed last week.",
    "Happy to lend you mine to try first!",
    "We had the same question and went second-hand. No regrets.",
    "Depends on the budget, but I'd avoid the very cheapest ones.",
    "Following, I need the same thing!",
    "Try before you buy if you can, it made all the difference for me.",
    "I know someone selling one, I'll put you in touch.",
)

SALE_COMMENTS = (
    "Is it still available?",
    "Great price, someone will snap it up.",
    "Sharing this with my sister, she's been looking for one.",
    "Sent you a message!",
    "Could you hold it until Saturday?",
)

NEWS_COMMENTS = (
    "Enjoy it!",
    "Looks great. How is it after a few weeks?",
    "Good find!",
    "I've had the same one for two years, zero problems.",
    "Where did you find it?",
    "Jealous!",
    "Let me know how it holds up.",
)

ADVICE_REPLIES = (
    "Thank you, that's really helpful.",
    "Good to know, thanks!",
    "Thanks, I'll have a look.",
)
SALE_REPLIES = ("Yes, still available!", "Messaged you!", "Sure, no problem.")
NEWS_REPLIES = ("Thanks!", "So far so good!", "Second-hand, through a friend of a friend.")
