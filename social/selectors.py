"""Reads on the social graph, already filtered by the audience policy and by blocks.

Every function returns a queryset (or a small value) with a fixed number of queries whatever the
size of the graph: friends are one indexed lookup on the directed `Friendship` rows, friends of
friends one self-join, and blocks an `EXISTS` either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from config.errors import NotFound, found
from social.audience import Relation, blocked_either_way, deactivated, relation_between
from social.models import (
    Block,
    Circle,
    CircleMembership,
    Comment,
    FriendRequest,
    Friendship,
    Notification,
    Post,
    SocialSettings,
)

FEED_PAGE_SIZE = 20
# From this many friends on, the feed walks all posts newest first instead of reading each
# friend's posts (see `feed_for`). Measured by `make bench`: below it, reading each friend's posts
# is faster; above it, walking the time index finds a page sooner.
FEED_WALK_FROM_FRIENDS = 100
SUGGESTIONS_LIMIT = 12
SEARCH_LIMIT = 30


def friend_ids(user) -> QuerySet:
    """The ids of `user`'s friends, as a subquery."""
    return Friendship.objects.filter(user_id=user.pk).values("friend_id")


def people_visible_to(viewer) -> QuerySet:
    """Active people `viewer` may see at all: blocks either way hide a person everywhere."""
    people = User.objects.filter(is_active=True).select_related("profile")
    if viewer is None or not viewer.is_authenticated:
        return people
    return people.exclude(blocked_either_way(OuterRef("pk"), viewer.pk))


def person_for(viewer, user_id) -> User | None:
    """The person `user_id` as `viewer` may see them, or None (gone, blocked, or no such id)."""
    try:
        return people_visible_to(viewer).get(pk=int(user_id))
    except (User.DoesNotExist, ValueError, TypeError):
        return None


def access_person(viewer, user_id) -> User:
    """The person `user_id` as `viewer` may see them (as `person_for`); Http404 otherwise."""
    return found(person_for(viewer, user_id), "No such person.")


def friends_of(user) -> QuerySet:
    """`user`'s friends, closest first (by their tie strength as `user` sees it)."""
    return (
        User.objects.filter(is_active=True, friend_links__friend_id=user.pk)
        .select_related("profile")
        .order_by("-friend_links__tie_strength", "profile__display_name", "pk")
    )


def friends_with_circles(user) -> QuerySet:
    """`user`'s friends, each with `circle_ids`: which of `user`'s circles they are in."""
    memberships = CircleMembership.objects.filter(circle__owner_id=user.pk)
    return friends_of(user).prefetch_related(
        Prefetch("circle_memberships", queryset=memberships, to_attr="owner_memberships")
    )


def mutual_friend_count(viewer, other) -> int:
    return Friendship.objects.filter(
        user_id=viewer.pk, friend__friend_links__friend_id=other.pk
    ).count()


def people_search(viewer, query: str) -> QuerySet:
    """Signed-in people search by display name. People who opted out are never found; blocked
    pairs never find each other; the viewer is not in their own results."""
    # PostgreSQL refuses NUL in a string literal, and no display name holds one.
    query = (query or "").replace("\x00", "").strip()
    if not query:
        return User.objects.none()
    hidden = SocialSettings.objects.filter(user_id=OuterRef("pk"), findable=False)
    return (
        people_visible_to(viewer)
        .filter(profile__display_name__icontains=query)
        .exclude(pk=viewer.pk)
        .exclude(Exists(hidden))
        .annotate(
            is_friend=Exists(Friendship.objects.filter(user_id=viewer.pk, friend_id=OuterRef("pk")))
        )
        .order_by("-is_friend", "profile__display_name", "pk")[:SEARCH_LIMIT]
    )


# Friends of friends counted first, then the few exclusions applied to the counted people: a
# hash aggregate over the second-hop rows, then one hashed list per exclusion, instead of testing
# every second-hop row against every exclusion before grouping (`make bench`). The ORM puts
# filters before the grouping, so this one read is written out.
SUGGESTIONS_SQL = """
SELECT counted.friend_id, counted.mutual FROM (
    SELECT hop2.friend_id, COUNT(*) AS mutual
    FROM {friendship} AS hop1 JOIN {friendship} AS hop2 ON hop2.user_id = hop1.friend_id
    WHERE hop1.user_id = %(viewer)s
    GROUP BY hop2.friend_id
) AS counted
WHERE counted.friend_id <> %(viewer)s
  AND counted.friend_id NOT IN (SELECT friend_id FROM {friendship} WHERE user_id = %(viewer)s)
  AND counted.friend_id NOT IN (SELECT id FROM {user} WHERE NOT is_active)
  AND counted.friend_id NOT IN (SELECT user_id FROM {settings} WHERE NOT findable)
  AND counted.friend_id NOT IN (SELECT blocked_id FROM {block} WHERE blocker_id = %(viewer)s)
  AND counted.friend_id NOT IN (SELECT blocker_id FROM {block} WHERE blocked_id = %(viewer)s)
  AND counted.friend_id NOT IN (
      SELECT to_user_id FROM {request} WHERE status = %(pending)s AND from_user_id = %(viewer)s)
  AND counted.friend_id NOT IN (
      SELECT from_user_id FROM {request} WHERE status = %(pending)s AND to_user_id = %(viewer)s)
ORDER BY counted.mutual DESC, counted.friend_id
LIMIT %(limit)s
"""


def suggestions_for(viewer, limit: int = SUGGESTIONS_LIMIT) -> QuerySet:
    """People you may know: friends of your friends who are not your friends yet, most mutual
    friends first, with `mutual` set. Excludes blocked pairs, deactivated people, people who
    opted out of being found, and people with a request pending either way. Two queries: the
    ranked ids with their counts (`SUGGESTIONS_SQL`), then those people."""
    sql = SUGGESTIONS_SQL.format(
        friendship=Friendship._meta.db_table,
        user=User._meta.db_table,
        settings=SocialSettings._meta.db_table,
        block=Block._meta.db_table,
        request=FriendRequest._meta.db_table,
    )
    params = {"viewer": viewer.pk, "pending": FriendRequest.Status.PENDING, "limit": limit}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ranked = cursor.fetchall()
    mutual = Case(
        *(When(pk=pk, then=Value(count)) for pk, count in ranked),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        people_visible_to(viewer)
        .filter(pk__in=[pk for pk, _ in ranked])
        .annotate(mutual=mutual)
        .order_by("-mutual", "pk")
    )


@dataclass(frozen=True)
class ProfileView:
    """What `viewer` may see of `person`'s profile page."""

    person: User
    relation: Relation
    show_details: bool
    mutual_friends: int
    friend_request: FriendRequest | None
    blocked_by_viewer: bool


def profile_view(viewer, person: User) -> ProfileView:
    """The profile of `person` as `viewer` sees it. Callers find `person` with `person_for`, so
    a blocked pair never gets here."""
    relation = relation_between(viewer, person)
    # Settings are made with the account; a missing row shows nothing (private by default).
    show_details = relation == Relation.SELF or (
        SocialSettings.objects.filter(user=person).visible_to(viewer).exists()
    )
    signed_in = viewer is not None and viewer.is_authenticated
    request = None
    blocked = False
    mutual = 0
    if signed_in and relation != Relation.SELF:
        request = (
            FriendRequest.objects.filter(
                Q(from_user=viewer, to_user=person) | Q(from_user=person, to_user=viewer),
                status=FriendRequest.Status.PENDING,
            )
            .order_by("-created_at")
            .first()
        )
        blocked = Block.objects.filter(blocker=viewer, blocked=person).exists()
        mutual = mutual_friend_count(viewer, person)
    return ProfileView(person, relation, show_details, mutual, request, blocked)


def _comments_seen_by(viewer) -> Q:
    """The comments `viewer` sees under a post they may see: none by people blocked either way
    or by deactivated accounts, none a moderator hid (their author alone still sees those)."""
    seen = ~Q(author_id__in=deactivated())
    if viewer is None or not viewer.is_authenticated:
        return seen & Q(hidden=False)
    return (
        seen
        & ~Q(blocked_either_way(OuterRef("author_id"), viewer.pk))
        & (Q(hidden=False) | Q(author_id=viewer.pk))
    )


def _with_post_details(posts: QuerySet, viewer) -> QuerySet:
    # The comment count is a subquery per post rather than a join and GROUP BY over all the
    # matching posts: that way a page (ORDER BY ... LIMIT 20) stops after 20 posts. It counts
    # what `comments_on` shows the viewer, so a count never reveals a blocked person's comment.
    comment_count = (
        Comment.objects.filter(_comments_seen_by(viewer), post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(count=Count("*"))
        .values("count")
    )
    return (
        posts.select_related("author__profile")
        .prefetch_related("tags", "circles")
        .annotate(comment_count=Coalesce(Subquery(comment_count, output_field=IntegerField()), 0))
    )


def posts_by(viewer, author) -> QuerySet:
    """`author`'s posts that `viewer` may see, newest first."""
    return _with_post_details(Post.objects.filter(author=author).visible_to(viewer), viewer)


def feed_for(viewer, *, before: Post | None = None, limit: int = FEED_PAGE_SIZE) -> list[Post]:
    """The viewer's feed: their own posts and their friends' that they may see, newest first.

    Paged by keyset (`before` is the last post of the previous page): no OFFSET, no COUNT, the
    same cost on page 1 and page 100.

    The same page has two good plans, and which one depends on how many friends the viewer has,
    which PostgreSQL cannot tell from either query alone (`make bench`):
    - few friends: read each friend's posts by author and keep the newest (`IN` over a union
      of the friends and the viewer, which PostgreSQL joins friend by friend);
    - many friends: walk all posts newest first and keep those by friends (`author = viewer OR
      IN friends`, which PostgreSQL checks against a hashed list while it walks), stopping after
      a page, instead of reading every friend's posts.
    Counting the friends first costs one small index-only query."""
    friends = friend_ids(viewer)
    if friends.count() >= FEED_WALK_FROM_FRIENDS:
        authors = Q(author_id=viewer.pk) | Q(author_id__in=friends)
    else:
        authors = Q(
            author_id__in=friends.union(User.objects.filter(pk=viewer.pk).values("pk"), all=True)
        )
    posts = Post.objects.filter(authors).visible_to(viewer)
    if before is not None:
        posts = posts.filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, pk__lt=before.pk)
        )
    return list(_with_post_details(posts, viewer).order_by("-created_at", "-pk")[:limit])


def post_for(viewer, post_id) -> Post | None:
    """One post `viewer` may see, or None."""
    try:
        posts = Post.objects.filter(pk=int(post_id)).visible_to(viewer)
        return _with_post_details(posts, viewer).first()
    except (ValueError, TypeError):
        return None


def access_post(viewer, post_id) -> Post:
    """As `post_for`; Http404 for a post the viewer may not see."""
    return found(post_for(viewer, post_id), "This post does not exist or you can't see it.")


def comments_on(viewer, post: Post) -> QuerySet:
    """Comments on a post the viewer may see, minus those of people blocked either way and those
    a moderator hid (which their author alone still sees)."""
    return Comment.objects.filter(_comments_seen_by(viewer), post=post).select_related(
        "author__profile"
    )


def comments_under_posts_of(author) -> QuerySet:
    """Every comment under `author`'s posts that `author` sees there: `comments_on` for each of
    their posts at once (their data export)."""
    return (
        Comment.objects.filter(_comments_seen_by(author), post__author=author)
        .select_related("author__profile")
        .order_by("post_id", "created_at", "id")
    )


def circles_of(owner) -> QuerySet:
    return Circle.objects.filter(owner=owner).annotate(member_count=Count("memberships"))


def friend_requests_for(user) -> tuple[QuerySet, QuerySet]:
    """(received, sent) pending requests, newest first, people blocked either way left out."""
    pending = FriendRequest.objects.filter(status=FriendRequest.Status.PENDING)
    received = pending.filter(to_user=user, from_user__is_active=True).select_related(
        "from_user__profile"
    )
    sent = pending.filter(from_user=user, to_user__is_active=True).select_related(
        "to_user__profile"
    )
    return received, sent


def blocked_by(user) -> QuerySet:
    return User.objects.filter(blocks_received__blocker=user).select_related("profile")


def blocked_person(blocker: User, user_id: int) -> User:
    """Someone `blocker` has blocked; a refusal for anyone else (a blocked person's page is
    hidden, so this is the one way to name them)."""
    person = blocked_by(blocker).filter(pk=user_id).first()
    if person is None:
        raise NotFound("You have not blocked this person.", code="not_blocked")
    return person


def notifications_for(user) -> QuerySet:
    """The person's notifications, newest first; those from or about people blocked either way
    are hidden."""
    return (
        Notification.objects.filter(recipient=user)
        .exclude(blocked_either_way(OuterRef("actor_id"), user.pk))
        .exclude(blocked_either_way(OuterRef("about_id"), user.pk))
        .select_related("actor__profile")
    )


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class Preview:
    """The owner's profile and posts as someone else would see them ("view as")."""

    label: str
    show_details: bool
    posts: QuerySet  # with authors, tags, circles and comment counts loaded, as in the feed


PREVIEW_CHOICES = ("anonymous", "member", "fof", "friend", "circle")


def preview_for(owner, as_: str, *, circle_id=None, person_id=None) -> Preview:
    """See your own profile as a visitor, a member, a friend of a friend, a chosen friend (the
    real policy applied to that person) or a friend in a chosen circle. DomainError for anything
    else, or for a circle or friend that is not the owner's."""
    from config.errors import DomainError

    if as_ not in PREVIEW_CHOICES:
        raise DomainError(f"Preview as one of: {', '.join(PREVIEW_CHOICES)}.", code="bad_preview")
    if as_ == "friend":
        friend = friends_of(owner).filter(pk=_int_or_none(person_id)).first()
        if friend is None:
            raise DomainError("Choose one of your friends.", code="not_friends")
        return Preview(
            friend.display_name,
            SocialSettings.objects.filter(user=owner).visible_to(friend).exists(),
            _with_post_details(Post.objects.filter(author=owner).visible_to(friend), friend),
        )
    circle = None
    if as_ == "circle":
        circle = Circle.objects.filter(owner=owner, pk=_int_or_none(circle_id)).first()
        if circle is None:
            raise DomainError("Choose one of your circles.", code="foreign_circle")
        relation, label = Relation.FRIEND, f"a friend in {circle.name}"
    else:
        relation = Relation(as_)
        label = relation.label.lower()
    settings = SocialSettings.objects.filter(user=owner)
    return Preview(
        label,
        settings.previewed_as(owner=owner, relation=relation, circle=circle).exists(),
        _with_post_details(
            Post.objects.previewed_as(owner=owner, relation=relation, circle=circle), None
        ),
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
