"""Build the synthetic social graph the benchmark runs on, in bulk.

The graph, at full size (`BENCH_SCALE=1`):

- 100,000 people (`accounts_user`, `accounts_profile`), each with the three default circles and a
  `social_socialsettings` row, as sign-up would make them; 1 % deactivated, 3 % not findable.
- 1,000,000 friendships, stored as 2,000,000 directed `social_friendship` rows. People live in
  communities of 250 (neighbouring ids); 80 % of a person's friendships stay in the community,
  10 % reach a neighbouring one, 10 % anyone, so friends of friends overlap as in real networks.
  Degrees follow a log-normal law (median 17, mean 20: most people have 5 to 40 friends).
- One hub, person `HUB_ID`, with exactly 1,000 friends (800 from the first eight communities,
  200 from anywhere): the viewer of the benchmarks. A shopper, person `SHOPPER_ID`, with exactly
  500 friends drawn the same way: the viewer of the social search benchmark.
- 1,000,000 posts over the last two years, spread over authors by the same activity law, with a
  mix of audiences (mostly friends; some public, members, friends of friends, circles, only me);
  tags on a third of them, 300,000 comments, some circle memberships and a few thousand blocks.

Rows go in through the bulk service functions where the volume allows it, and with PostgreSQL
`COPY` (rows generated in Python, seeded) or `INSERT ... SELECT` where it does not; the
measured seconds of each step, both ways, are in `docs/decisions/bench-loaders-services.md`:

- people: through `accounts_create` (one password hash for everyone, a verified address and a
  profile each) and `people_set_up` (settings, the three circles); display names, the
  deactivated and the not findable with one `UPDATE` each (`profiles_update` runs each
  profile's constraint checks as queries of their own; only erasure deactivates, and it erases
  what the benchmark reads);
- friendships, posts: `COPY`. Their bulk services back-date every row afterwards with
  `bulk_update` (200 rows a query), the path that made listings and reviews ten and twenty
  times slower (`bench/load_market.py`, `bench/load_recs.py`); `posts_create` would also tag
  posts from the topics table, not the bench's own tags;
- circle memberships: `INSERT ... SELECT`: `circle_memberships_add` (which checks each member
  is the owner's friend) fits at a tenth of the size, but at full size, with people through
  the services too, the build went past the budget;
- blocks: `COPY`: `block_create` ends the friendship between the two, and the draw blocks some
  friends, so the friendship counts every figure is read against would move;
- post circles, tags, comments: `INSERT ... SELECT`: `comments_create` refuses a comment on a
  post its author may not see (most of the random draw) and notifies and strengthens ties,
  which the benchmark does not measure against.

No ORM save sends a signal here: the services write in bulk and move the network versions
themselves, and the cache is cleared at the end. A loaded database is kept (`--reuse-db`) and
reused when its counts match; set `BENCH_RELOAD=1` to build it again.
"""

from __future__ import annotations

import bisect
import io
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.backends.utils import CursorWrapper

from accounts.services import NewAccount, accounts_create
from social.services.settings import people_set_up

HUB_ID = 1
SHOPPER_ID = 2  # the social search's viewer: 500 friends
COMMUNITY_SIZE = 250
SEED = 20240601
PASSWORD = "bench-password"  # noqa: S105  # everyone's, hashed once; bench data only

# Share of posts per audience; the rest of the code reads the names, not the order.
AUDIENCE_MIX = (
    ("friends", 0.55),
    ("public", 0.15),
    ("fof", 0.12),
    ("members", 0.08),
    ("circles", 0.06),
    ("only_me", 0.04),
)
TOPICS = ("bike", "camera", "sofa", "guitar", "stroller", "laptop", "tent", "books")

# Every table the loader fills; TRUNCATE ... CASCADE from accounts_user reaches them all.
LOADED_TABLES = (
    "accounts_user",
    "accounts_profile",
    "social_socialsettings",
    "social_circle",
    "social_circlemembership",
    "social_friendship",
    "social_block",
    "social_post",
    "social_post_circles",
    "social_posttag",
    "social_comment",
)


@dataclass(frozen=True)
class Size:
    people: int
    friendships: int  # mutual friendships: two directed rows each
    posts: int
    hub_friends: int = 1_000
    shopper_friends: int = 500
    comments: int = 300_000
    blocks: int = 2_000

    @classmethod
    def from_env(cls) -> Size:
        """Full size by default; `BENCH_SCALE=0.1` builds a tenth of it (the hub keeps its
        1,000 friends, the shopper 500), `BENCH_SCALE=10` ten times as much."""
        scale = float(os.environ.get("BENCH_SCALE", "1"))
        if not 0 < scale <= 10:
            raise ValueError(f"BENCH_SCALE must be in (0, 10], not {scale}")
        return cls(
            people=max(int(100_000 * scale), 10 * COMMUNITY_SIZE),
            friendships=max(int(1_000_000 * scale), 25_000),
            posts=max(int(1_000_000 * scale), 25_000),
            comments=max(int(300_000 * scale), 5_000),
            blocks=max(int(2_000 * scale), 100),
        )


@dataclass(frozen=True)
class Graph:
    """The loaded graph and the people the benchmarks look through."""

    size: Size
    load_seconds: float
    reused: bool
    hub_id: int  # 1,000 friends
    small_id: int  # 10 friends: same query count as the hub, or a query grows with the graph
    fof_author_id: int  # a friend of a friend of the hub (not a friend), the busiest such author
    friend_author_id: int  # the hub's busiest friend


def ensure_loaded(size: Size, *, force: bool = False) -> Graph:
    """The benchmark graph at `size`: reused when already there, else built (about 2 minutes at
    full size on two cores). Refuses to touch a database whose name does not say `bench`."""
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        raise RuntimeError(f"The benchmark loads only into a PostgreSQL *bench* database: {name}")
    reused = not force and is_loaded(size)
    seconds = 0.0
    if not reused:
        started = time.perf_counter()
        load(size)
        seconds = time.perf_counter() - started
    return Graph(size, seconds, reused, HUB_ID, *_subjects())


def is_loaded(size: Size) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM accounts_user),
                   (SELECT count(*) FROM social_friendship),
                   (SELECT count(*) FROM social_post),
                   (SELECT count(*) FROM social_friendship WHERE user_id = %s),
                   (SELECT count(*) FROM social_friendship WHERE user_id = %s)
            """,
            [HUB_ID, SHOPPER_ID],
        )
        counts = cursor.fetchone()
    expected = (size.people, 2 * size.friendships, size.posts)
    return counts == (*expected, size.hub_friends, size.shopper_friends)


def load(size: Size, *, seed: int = SEED, log=print) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    activity = _activity(size.people, rng)
    with connection.cursor() as cursor:
        start_bulk_load(cursor, "TRUNCATE accounts_user RESTART IDENTITY CASCADE")
        steps = (
            ("people, profiles, settings, circles", lambda: _people(cursor, size, now)),
            ("friendships", lambda: _friendships(cursor, size, activity, rng, now)),
            ("circle memberships", lambda: _circle_memberships(cursor)),
            ("blocks", lambda: _blocks(cursor, size, rng)),
            ("posts", lambda: _posts(cursor, size, activity, rng, now)),
            ("post circles, tags, comments", lambda: _post_details(cursor, size)),
        )
        run_steps(cursor, steps, LOADED_TABLES, log)


def start_bulk_load(cursor, truncate: str) -> None:
    """Empty what a loader fills, with this session set for bulk writes: a lost commit here costs
    a reload, nothing more."""
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute(truncate)


def run_steps(cursor, steps, tables, log) -> None:
    """Run each (label, step) and say how long it took, then vacuum and analyse `tables`:
    statistics for the planner, and the visibility map for index-only scans."""
    for label, step in steps:
        started = time.perf_counter()
        step()
        log(f"  loaded {label} in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for table in tables:
        cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608 (constant names)
    log(f"  vacuumed and analysed in {time.perf_counter() - started:.1f} s")
    # Written in bulk, past the services that move the cache's versions: nothing cached from
    # the rows before may be read again.
    cache.clear()


def vacuumed(log=print, *, wait_seconds: float = 300) -> None:
    """Vacuum the tables whose visibility map lags (under 90% of pages all-visible), as
    autovacuum keeps a live database: without it PostgreSQL reads the heap where it would read an
    index alone. A freshly loaded table lags until every snapshot older than its rows is gone (an
    autovacuum worker still analysing another table holds one), so first wait for those (at most
    `wait_seconds`), and say so if a table still lags: its figures would not be a live site's."""
    with connection.cursor() as cursor:
        lagging = _lagging(cursor)
        if lagging:
            _wait_for_older_snapshots(cursor, wait_seconds)
        for table in lagging:
            cursor.execute(f'VACUUM ANALYZE "{table}"')  # noqa: S608 (names from pg_class)
        still = _lagging(cursor) if lagging else []
    if lagging:
        log(f"  vacuumed {', '.join(lagging)}: their visibility maps lagged")
    if still:
        lag = ", ".join(still)
        log(f"  WARNING: the visibility maps of {lag} still lag: figures will read the heap")


def _lagging(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relpages > 100"
        " AND c.relallvisible < 0.9 * c.relpages ORDER BY c.relname"
    )
    return [name for (name,) in cursor.fetchall()]


def _wait_for_older_snapshots(cursor, seconds: float) -> None:
    """Until no other session of this database holds a snapshot (or `seconds` have passed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL"
        )
        if cursor.fetchone()[0] == 0:
            return
        time.sleep(0.5)


def _activity(people: int, rng: random.Random) -> list[float]:
    """How social each person is (index 0 is person 1): a log-normal weight, median 17, so
    expected degrees land mostly between 5 and 40 once scaled to the number of friendships."""
    return [min(max(rng.lognormvariate(2.83, 0.6), 1.0), 300.0) for _ in range(people)]


def _people(cursor: CursorWrapper, size: Size, now: datetime) -> None:
    """Accounts as signing up makes them (one password hash for all, a verified address, a
    profile) and what a new person starts with (settings, the three circles: ids
    3 * (owner - 1) + k, k = 1..3, as they are made in order), through the services. Then, in
    bulk, what no service writes at this volume or without taking what the benchmark reads: the
    display names (`profiles_update` checks each profile's constraints with queries of its
    own), 1 % deactivated (only erasure deactivates, and it erases their posts and friendships)
    and 3 % not findable."""
    users = accounts_create(
        accounts=[
            NewAccount(email=f"person{pk}@bench.example", joined_at=now - timedelta(days=pk % 1000))
            for pk in range(1, size.people + 1)
        ],
        password=PASSWORD,
    )
    people_set_up(users=users)
    cursor.execute("UPDATE accounts_profile SET display_name = 'Person ' || user_id")
    cursor.execute("UPDATE accounts_user SET is_active = false WHERE id % 100 = 7")
    cursor.execute("UPDATE social_socialsettings SET findable = false WHERE user_id % 33 = 5")


def _friendship_pairs(size: Size, activity: list[float], rng: random.Random) -> list[tuple]:
    """`size.friendships` distinct pairs (a < b): the hub's 1,000 and the shopper's 500, then the
    rest drawn by activity, mostly inside communities."""
    people = size.people
    communities = [
        list(range(start, min(start + COMMUNITY_SIZE, people + 1)))
        for start in range(1, people + 1, COMMUNITY_SIZE)
    ]
    # The hub's and the shopper's friends are chosen below; the general draw leaves them out.
    chosen = (HUB_ID, SHOPPER_ID)
    members = [[p for p in community if p not in chosen] for community in communities]
    cumulative = [_cumulative([activity[p - 1] for p in m]) for m in members]
    everyone = [p for m in members for p in m]
    everyone_cumulative = _cumulative([activity[p - 1] for p in everyone])

    def pick(community: int) -> int:
        weights = cumulative[community]
        return members[community][bisect.bisect(weights, rng.random() * weights[-1])]

    def friends_of(count: int) -> list[int]:
        # 80 % from the first eight communities, the rest from anywhere.
        close = range(3, min(8 * COMMUNITY_SIZE, people) + 1)
        near = rng.sample(close, count * 4 // 5)
        far = rng.sample(range(8 * COMMUNITY_SIZE + 1, people + 1), count)
        return (near + far)[:count]

    keys = {HUB_ID * (people + 1) + f for f in friends_of(size.hub_friends)}
    keys |= {SHOPPER_ID * (people + 1) + f for f in friends_of(size.shopper_friends)}
    while len(keys) < size.friendships:
        batch = rng.choices(everyone, cum_weights=everyone_cumulative, k=100_000)
        for a in batch:
            home = (a - 1) // COMMUNITY_SIZE
            roll = rng.random()
            if roll < 0.8:
                b = pick(home)
            elif roll < 0.9:
                b = pick((home + rng.choice((-3, -2, -1, 1, 2, 3))) % len(communities))
            else:
                b = everyone[
                    bisect.bisect(everyone_cumulative, rng.random() * everyone_cumulative[-1])
                ]
            if a == b:
                continue
            keys.add(min(a, b) * (people + 1) + max(a, b))
            if len(keys) == size.friendships:
                break
    return [divmod(key, people + 1) for key in keys]


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _friendships(cursor, size, activity, rng, now) -> None:
    pairs = _friendship_pairs(size, activity, rng)
    buffer = io.StringIO()
    write = buffer.write
    for a, b in pairs:
        since = _timestamp(now - timedelta(seconds=rng.randrange(3 * 365 * 86400)))
        # Both directions, each with its own tie strength, made at the same moment.
        write(f"{a}\t{b}\t{rng.uniform(0.1, 1.0):.3f}\t{since}\n")
        write(f"{b}\t{a}\t{rng.uniform(0.1, 1.0):.3f}\t{since}\n")
    buffer.seek(0)
    cursor.copy_expert(
        "COPY social_friendship (user_id, friend_id, tie_strength, created_at) FROM STDIN",
        buffer,
    )


def _circle_memberships(cursor: CursorWrapper) -> None:
    # About 30 % of a person's friends sit in one of their three circles.
    cursor.execute(
        """
        INSERT INTO social_circlemembership (circle_id, member_id, created_at)
        SELECT 3 * (user_id - 1) + 1 + friend_id % 3, friend_id, created_at
        FROM social_friendship
        WHERE (user_id * 7 + friend_id) % 10 < 3
        """
    )


def _blocks(cursor, size: Size, rng: random.Random) -> None:
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < size.blocks:
        a, b = rng.randint(1, size.people), rng.randint(1, size.people)
        if a != b and HUB_ID not in (a, b) and SHOPPER_ID not in (a, b):
            pairs.add((a, b))
    # The hub blocked two people and was blocked by two, none of them its friends.
    pairs |= {(HUB_ID, size.people), (HUB_ID, size.people - 1)}
    pairs |= {(size.people - 2, HUB_ID), (size.people - 3, HUB_ID)}
    buffer = io.StringIO("".join(f"{a}\t{b}\tnow\n" for a, b in pairs))
    cursor.copy_expert("COPY social_block (blocker_id, blocked_id, created_at) FROM STDIN", buffer)


def _posts(cursor, size, activity, rng, now) -> None:
    authors = rng.choices(range(1, size.people + 1), weights=activity, k=size.posts)
    audiences = rng.choices(
        [name for name, _ in AUDIENCE_MIX],
        weights=[share for _, share in AUDIENCE_MIX],
        k=size.posts,
    )
    # Oldest first, as a live table fills: ids and the heap follow time, which the planner sees
    # (the correlation of created_at) when it weighs walking the time index.
    two_years = 2 * 365 * 86400
    ages = sorted((rng.randrange(two_years) for _ in range(size.posts)), reverse=True)
    buffer = io.StringIO()
    write = buffer.write
    for number, (author, audience, age) in enumerate(zip(authors, audiences, ages, strict=True), 1):
        at = _timestamp(now - timedelta(seconds=age))
        topic = TOPICS[number % len(TOPICS)]
        write(f"{author}\tPost {number}: thinking about a {topic}\t\t{audience}\tf\t{at}\t{at}\n")
    buffer.seek(0)
    cursor.copy_expert(
        "COPY social_post (author_id, text, photo, audience, hidden, created_at, updated_at) "
        "FROM STDIN",
        buffer,
    )


def _post_details(cursor, size: Size) -> None:
    cursor.execute(
        """
        INSERT INTO social_post_circles (post_id, circle_id)
        SELECT id, 3 * (author_id - 1) + 1 + id % 3 FROM social_post WHERE audience = 'circles'
        """
    )
    cursor.execute(
        """
        INSERT INTO social_posttag (post_id, author_id, audience, hidden, tag, kind)
        SELECT id, author_id, audience, hidden,
               (ARRAY['bike', 'camera', 'sofa', 'guitar', 'stroller', 'laptop', 'tent',
                      'books'])[1 + id % 8], 'topic'
        FROM social_post WHERE id % 3 = 0
        """
    )
    cursor.execute(
        """
        INSERT INTO social_comment (post_id, author_id, text, hidden, created_at)
        SELECT 1 + floor(random() * %s)::int, 1 + floor(random() * %s)::int, 'Nice one!', false,
               now() - random() * interval '700 days'
        FROM generate_series(1, %s)
        """,
        [size.posts, size.people, size.comments],
    )


def _subjects() -> tuple[int, int, int]:
    """(small_id, fof_author_id, friend_author_id): an active person with exactly 10 friends,
    the active friend of a friend of the hub (not a friend, not blocked) with the most posts, and
    the hub's active friend with the most posts."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT f.user_id FROM social_friendship AS f
            JOIN accounts_user AS u ON u.id = f.user_id AND u.is_active
            GROUP BY f.user_id HAVING count(*) = 10 ORDER BY f.user_id LIMIT 1
            """
        )
        (small_id,) = cursor.fetchone()
        cursor.execute(
            """
            WITH friends AS (SELECT friend_id AS id FROM social_friendship WHERE user_id = %(hub)s),
                 fof AS (SELECT DISTINCT f2.friend_id AS id
                         FROM friends JOIN social_friendship AS f2 ON f2.user_id = friends.id)
            SELECT p.author_id FROM social_post AS p
            JOIN fof ON fof.id = p.author_id
            JOIN accounts_user AS u ON u.id = p.author_id AND u.is_active
            WHERE p.author_id <> %(hub)s
              AND p.author_id NOT IN (SELECT id FROM friends)
              AND NOT EXISTS (SELECT 1 FROM social_block AS b
                              WHERE (b.blocker_id, b.blocked_id) IN ((p.author_id, %(hub)s),
                                                                     (%(hub)s, p.author_id)))
            GROUP BY p.author_id ORDER BY count(*) DESC, p.author_id LIMIT 1
            """,
            {"hub": HUB_ID},
        )
        (fof_author_id,) = cursor.fetchone()
        cursor.execute(
            """
            SELECT p.author_id FROM social_post AS p
            JOIN social_friendship AS f ON f.friend_id = p.author_id AND f.user_id = %s
            JOIN accounts_user AS u ON u.id = p.author_id AND u.is_active
            GROUP BY p.author_id ORDER BY count(*) DESC, p.author_id LIMIT 1
            """,
            [HUB_ID],
        )
        (friend_author_id,) = cursor.fetchone()
    return small_id, fof_author_id, friend_author_id


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")
