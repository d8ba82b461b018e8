"""The social graph of the demo community: who is friends with whom, circles, a few blocks and
friend requests. What people post and comment is in `demo.posts`.

The steps register with `demo.people` (see `DemoConfig.ready`) and run after the people
exist. Like the people steps they are deterministic (a fixed random seed over the fixed
roster) and idempotent, but at a coarser grain: each step seeds its part once, and skips when the
demo people already have such data. A presenter's unfriending, deleted posts or new circles
therefore survive a restart rather than being "repaired".

Everything is written through the services: one call per friend request, block and custom
circle, and the bulk services (`people_set_up`, `friendships_create`, `circle_memberships_add`)
for the rest, a few queries per step instead of thousands (the seed runs on every `make run` and
in tests), under the same rules.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.utils import timezone

from accounts.models import User
from config.errors import DomainError
from demo.people import ANNA, BEN, DemoPerson, demo_step, demo_users, roster
from demo.story import story
from social.models import (
    Block,
    Circle,
    CircleMembership,
    FriendRequest,
    Friendship,
)
from social.services.blocks import block_create
from social.services.circles import circle_create, circle_memberships_add
from social.services.friends import friend_request_send, friendships_create
from social.services.settings import people_set_up

SOCIAL_SEED = 20260602
NETWORK = story("network")
MIN_FRIENDS, MAX_FRIENDS = 4, 20
ANNA_FRIENDS = 15
BEN_FRIENDS = 12
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


def members_by_email() -> dict[str, User]:
    """The roster's accounts (not the staff ones), by email."""
    users = demo_users()
    return {person.email: users[person.email] for person in roster() if person.email in users}


def friend_graph(members: dict[str, User]) -> dict[int, dict[int, float]]:
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
    settings, circles = people_set_up(users=list(demo_users().values()))
    return f"Social settings: {settings} new; default circles: {circles} new"


@demo_step
def seed_friendships() -> str:
    members = members_by_email()
    ids = [user.pk for user in members.values()]
    existing = Friendship.objects.filter(user_id__in=ids, friend_id__in=ids)
    if existing.exists():
        return f"Friendships: {existing.count() // 2} pairs (already seeded, 0 new)"
    ties = [tie for tie in planned_ties() if tie.a in members and tie.b in members]
    if not ties:
        return "Friendships: 0 pairs (nobody to befriend)"
    # Friends since some day after both joined.
    now = timezone.now()
    friendships_create(
        ((members[tie.a].pk, members[tie.b].pk, tie.a_to_b, tie.b_to_a) for tie in ties),
        since={
            (members[tie.a].pk, members[tie.b].pk): now - timedelta(days=tie.days) for tie in ties
        },
    )
    degrees = Counter(existing.values_list("user_id", flat=True))
    return (
        f"Friendships: {len(ties)} pairs, {min(degrees.values())} to {max(degrees.values())} "
        f"friends each ({len(ties)} new)"
    )


CUSTOM_CIRCLES: dict[str, str] = NETWORK["custom_circles"]


@demo_step
def seed_circles() -> str:
    """Relatives in Family, the closest few in Close friends, some neighbours in Work, and a
    custom circle for a shared hobby here and there (Anna's "Cycling club")."""
    members = members_by_email()
    ids = [user.pk for user in members.values()]
    if CircleMembership.objects.filter(circle__owner_id__in=ids).exists():
        total = CircleMembership.objects.filter(circle__owner_id__in=ids).count()
        return f"Circles: {total} memberships (already seeded, 0 new)"
    rng = random.Random(SOCIAL_SEED + 1)
    graph = friend_graph(members)
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
    rows: list[tuple[int, int]] = []
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
        rows += [
            (circle_id, fid) for fid in sorted(placed) for circle_id in dict.fromkeys(placed[fid])
        ]
    memberships = len(circle_memberships_add(rows))
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
    members = members_by_email()
    ids = [user.pk for user in members.values()]
    existing = Block.objects.filter(blocker_id__in=ids, blocked_id__in=ids)
    if existing.exists():
        return f"Blocks: {existing.count()} (already seeded, 0 new)"
    graph = friend_graph(members)
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
    members = members_by_email()
    targets = [(members[e], n) for e, n in ((ANNA.email, 3), (BEN.email, 2)) if e in members]
    ids = [user.pk for user in members.values()]
    existing = FriendRequest.objects.filter(
        to_user__in=[user for user, _ in targets], from_user_id__in=ids
    )
    if existing.exists() or not targets:
        return f"Friend requests: {existing.count()} (already seeded, 0 new)"
    graph = friend_graph(members)
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
