"""The audience policy: who may see a piece of content, decided from the social graph alone.

This is the one place that decides. Every model whose rows belong to someone and carry an
`audience` (posts, profile details, and later listings and reviews) uses `AudienceQuerySet`, so

    Post.objects.visible_to(viewer)        # a SQL filter, no Python loop over rows
    can_view(viewer, post)                 # the same filter applied to one row

can never disagree. The rules, in order:

1. Blocks override everything: if either side blocked the other, nothing is visible.
2. An owner sees everything of their own; nobody sees content of a deactivated account.
3. `public`: everyone, signed in or not. `members`: anyone signed in. `fof`: friends and friends
   of friends. `friends`: friends. `circles`: friends in at least one of the chosen circles.
   `only_me`: the owner alone.
4. Moderation: in a model that names a boolean `moderation_field` (`moderation_field =
   "hidden"`), the rows a moderator hid are seen by their owner alone, whatever their audience.

A model opts in by using `AudienceQuerySet.as_manager()` and naming its owner field
(`owner_field = "author"`) and, if it can target circles, its circles field (`circles_field`).
A row that carries a copy of another row's audience (a post's tags) names that row
(`circles_via = "post"`), whose circles then decide.

A caller that reads many rows of many people for one viewer (social search) may first read the
viewer's `Network` (two queries) and pass it: `visible_to(viewer, network=network)`. The rules are
the same; "is a friend" and "is a friend of a friend" become lookups in the network's two id lists
instead of a subquery per row (tested equal for every audience and relation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, TypeIs

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, OuterRef, Q

from querycache.lookups import IdArray
from querycache.versions import move_versions, version

if TYPE_CHECKING:
    from accounts.models import User, Viewer


class Audience(models.TextChoices):
    PUBLIC = "public", "Everyone"
    MEMBERS = "members", "Signed-in members"
    FOF = "fof", "Friends of friends"
    FRIENDS = "friends", "Friends"
    CIRCLES = "circles", "Chosen circles"
    ONLY_ME = "only_me", "Only me"


DEFAULT_AUDIENCE = Audience.FRIENDS


class Relation(models.TextChoices):
    """How a viewer stands to an owner, for "view as" previews and the profile badge."""

    SELF = "self", "You"
    FRIEND = "friend", "Friend"
    FOF = "fof", "Friend of a friend"
    MEMBER = "member", "Member"
    ANONYMOUS = "anonymous", "Visitor who is not signed in"


@dataclass(frozen=True)
class Network:
    """A viewer's friends (with the viewer's tie strength to each) and friends of friends, as the
    friendship rows say, read once: the relations `is_friend_of` and `is_friend_of_friend_of`
    test row by row. Nothing else is filtered here (blocks and deactivated accounts are the
    policy's business, as always). The id lists are `IdArray`s, for `__any` lookups."""

    viewer_id: int
    ties: dict[int, float] = field(default_factory=dict)
    fof: frozenset[int] = frozenset()  # friends of friends who are neither friends nor the viewer

    @cached_property
    def friend_ids(self) -> IdArray:
        return IdArray(self.ties)

    @cached_property
    def fof_ids(self) -> IdArray:
        return IdArray(self.fof)

    @cached_property
    def everyone(self) -> IdArray:
        """Friends and friends of friends."""
        return IdArray([*self.ties, *self.fof])

    def rendered(self) -> Network:
        """This network with its id lists made now (before it is cached, say)."""
        for name in ("friend_ids", "fof_ids", "everyone"):
            getattr(self, name)  # a cached_property: made once, kept with the network
        return self


def network_of(viewer: User) -> Network:
    """The viewer's `Network`: two queries, whatever the number of friends."""
    Friendship = apps.get_model("social", "Friendship")
    ties = dict(
        Friendship.objects.filter(user_id=viewer.pk).values_list("friend_id", "tie_strength")
    )
    second = Friendship.objects.filter(user_id__any=IdArray(ties)).values_list(
        "friend_id", flat=True
    )
    fof = frozenset(second.distinct()) - set(ties) - {viewer.pk} if ties else frozenset()
    return Network(viewer_id=viewer.pk, ties=ties, fof=fof)


NETWORK_VERSION_KEY = "social:network-version:{}"


def network_version(user_id: int) -> str:
    """A version of the person's network that changes whenever it may have: their friendships
    and their friends' (friends of friends), their ties, blocks either way, being put in or
    taken out of someone's circle, and someone in it suspended or restored. A cache of anything
    built from a person's network (and of what reaches them through it, like consent scoped to
    circles) puts it in its key. Moved by the model signals of those rows (`social/signals.py`),
    whoever writes them."""
    return version(NETWORK_VERSION_KEY.format(user_id))


def networks_changed(user_ids: Iterable[int]) -> None:
    """These people's networks changed: their cached networks are not read again. Called by the
    model signals (`social/signals.py`); by hand only after writes that bypass them (bulk
    creates and updates)."""
    move_versions(NETWORK_VERSION_KEY.format(int(pk)) for pk in user_ids)


def friendships_changed(*people: int) -> None:
    """`people` gained or lost friends: their networks changed, and so did their friends' (whose
    friends of friends they are, and whose friends they were). One query."""
    ids = {int(pk) for pk in people}
    friends = (
        apps.get_model("social", "Friendship")
        .objects.filter(user_id__in=ids)
        .values_list("friend_id")
    )
    networks_changed(ids | {pk for (pk,) in friends})


def networks_including_changed(person_id: int) -> None:
    """Something about the person themselves changed that every network holding them shows (their
    account was suspended or restored): their network moves, and their friends' and their friends
    of friends', the people whose networks include them. Two queries."""
    links = apps.get_model("social", "Friendship").objects.values_list("friend_id", flat=True)
    friends = set(links.filter(user_id=person_id))
    beyond = set(links.filter(user_id__in=friends).distinct()) if friends else set()
    networks_changed({int(person_id), *friends, *beyond})


def _is_signed_in(viewer: Viewer) -> TypeIs[User]:
    return viewer is not None and viewer.is_authenticated


def deactivated() -> models.QuerySet[User, Mapping[str, Any]]:
    """Ids of deactivated accounts, as a subquery: a short list PostgreSQL hashes once per query
    (the partial index `user_inactive`), cheaper than joining every row's owner."""
    return get_user_model().objects.filter(is_active=False).values("pk")


@dataclass(frozen=True)
class CirclesTable:
    """The many-to-many table behind a model's chosen circles, and the names of its two links."""

    model: type[models.Model]
    row: str  # its field to the row that chose the circles
    circle: str  # its field to the circle


def circles_table(holder: type[models.Model], field: str = "circles") -> CirclesTable:
    """The table behind `holder.<field>`, a many-to-many field to `Circle`."""
    circles = holder._meta.get_field(field)
    if not isinstance(circles, models.ManyToManyField) or circles.remote_field.through is None:
        raise TypeError(f"{holder.__name__}.{field} is not a many-to-many field.")
    through = circles.remote_field.through
    links = [f for f in through._meta.concrete_fields if f.is_relation]
    circle = apps.get_model("social", "Circle")
    return CirclesTable(
        model=through,
        row=next(f.name for f in links if f.related_model is holder),
        circle=next(f.name for f in links if f.related_model is circle),
    )


def blocked_either_way(owner_ref: OuterRef | int, viewer_id: int) -> Q:
    """True where the owner (an OuterRef or id) and the viewer blocked one another, either way.

    Two EXISTS, one per direction, rather than one EXISTS over an OR: each then correlates on a
    single column, so PostgreSQL can run it once as a hashed list of the viewer's blocks instead
    of probing the block table for every row (measured by `make bench`)."""
    Block = apps.get_model("social", "Block")
    return Q(Exists(Block.objects.filter(blocker_id=owner_ref, blocked_id=viewer_id))) | Q(
        Exists(Block.objects.filter(blocker_id=viewer_id, blocked_id=owner_ref))
    )


def is_friend_of(owner_ref: OuterRef | int, viewer_id: OuterRef | int) -> Exists:
    Friendship = apps.get_model("social", "Friendship")
    return Exists(Friendship.objects.filter(user_id=owner_ref, friend_id=viewer_id))


def is_friend_of_friend_of(owner_ref: OuterRef | int, viewer_id: OuterRef | int) -> Exists:
    """The viewer is a friend of one of the owner's friends (two directed hops). Either side may
    be the outer row's (one viewer against many owners, or one owner against many viewers)."""
    Friendship = apps.get_model("social", "Friendship")
    return Exists(
        Friendship.objects.filter(user_id=owner_ref, friend__friend_links__friend_id=viewer_id)
    )


class AudienceQuerySet[M: models.Model](models.QuerySet[M, M]):
    """Querysets of owned content with an audience. See the module docstring for the rules."""

    def _owner_field(self) -> str:
        return getattr(self.model, "owner_field", "owner")

    def _audience_field(self) -> str:
        return getattr(self.model, "audience_field", "audience")

    def _circles_field(self) -> str | None:
        return getattr(self.model, "circles_field", "circles")

    def _in_chosen_circle(self, viewer_id: int) -> Q:
        """The viewer is in one of the row's chosen circles: the circles of the row itself, or,
        in a model that names `circles_via` (a tag names "post"), of the row it belongs to."""
        field = self._circles_field()
        if not field:
            return Q(pk__in=[])
        via = getattr(self.model, "circles_via", None)
        holder: type[models.Model] = self.model
        if via:
            related = self.model._meta.get_field(via).related_model
            if not (isinstance(related, type) and issubclass(related, models.Model)):
                raise TypeError(f"{self.model.__name__}.{via} is not a link to a row.")
            holder = related
        table = circles_table(holder, field)
        row = OuterRef(f"{via}_id" if via else "pk")
        return Q(
            Exists(
                table.model._default_manager.filter(
                    **{table.row: row, f"{table.circle}__memberships__member_id": viewer_id}
                )
            )
        )

    def _not_hidden(self) -> Q:
        field = getattr(self.model, "moderation_field", None)
        return Q(**{field: False}) if field else Q()

    def extra_audiences(self, viewer: User) -> Q:
        """Audiences a later app adds (the marketplace's "nearby"); none by default."""
        return Q(pk__in=[])

    def visible_to(self, viewer: Viewer, *, network: Network | None = None) -> Self:
        """Rows `viewer` (a user, or None / AnonymousUser) may see. Pure SQL. With the viewer's
        `network`, the same rules with its id lists in place of the relation subqueries."""
        owner, audience = self._owner_field(), self._audience_field()
        shown = ~Q(**{f"{owner}_id__in": deactivated()}) & self._not_hidden()
        if not _is_signed_in(viewer):
            return self.filter(shown, **{audience: Audience.PUBLIC})
        owner_ref = OuterRef(f"{owner}_id")
        friend: Q | Exists
        friend_of_friend: Q | Exists
        if network is not None:
            if network.viewer_id != viewer.pk:
                raise ValueError("The network passed is another viewer's.")
            # Checked on the rows found, never searched for in an index: inside the audiences'
            # OR they cannot lead an index scan anyway, and PostgreSQL then plans without
            # estimating each id of the lists against the column's statistics.
            friend = Q(**{f"{owner}_id__any_unindexed": network.friend_ids})
            friend_of_friend = Q(**{f"{owner}_id__any_unindexed": network.fof_ids})
        else:
            friend = is_friend_of(owner_ref, viewer.pk)
            friend_of_friend = is_friend_of_friend_of(owner_ref, viewer.pk)
        allowed = (
            Q(**{f"{audience}__in": [Audience.PUBLIC, Audience.MEMBERS]})
            | (Q(**{audience: Audience.FRIENDS}) & Q(friend))
            | (Q(**{audience: Audience.FOF}) & (Q(friend) | Q(friend_of_friend)))
            | (Q(**{audience: Audience.CIRCLES}) & self._in_chosen_circle(viewer.pk))
            | self.extra_audiences(viewer)
        )
        not_blocked = ~Q(blocked_either_way(owner_ref, viewer.pk))
        return self.filter(Q(**{f"{owner}_id": viewer.pk}) | (shown & not_blocked & allowed))

    def previewed_as(
        self, *, owner: User, relation: str, circle: models.Model | None = None
    ) -> Self:
        """The owner's rows as someone of `relation` to them would see them ("view as").

        `relation` is a `Relation`; with `Relation.FRIEND` and a `circle`, the friend is taken to
        be in that circle only. Blocks do not apply: a preview is of people who are not blocked.
        """
        visible = {
            Relation.ANONYMOUS: [Audience.PUBLIC],
            Relation.MEMBER: [Audience.PUBLIC, Audience.MEMBERS],
            Relation.FOF: [Audience.PUBLIC, Audience.MEMBERS, Audience.FOF],
            Relation.FRIEND: [Audience.PUBLIC, Audience.MEMBERS, Audience.FOF, Audience.FRIENDS],
            Relation.SELF: list(Audience.values),
        }[Relation(relation)]
        audience = self._audience_field()
        rows = self.filter(**{self._owner_field(): owner})
        condition = Q(**{f"{audience}__in": visible})
        circles = self._circles_field()
        if relation == Relation.FRIEND and circle is not None and circles:
            condition |= Q(**{audience: Audience.CIRCLES, circles: circle})
        return rows.filter(condition).distinct()


def can_view(viewer: Viewer, item: models.Model) -> bool:
    """May `viewer` see `item`? The same SQL as `visible_to`, applied to one row."""
    rows = type(item)._default_manager.filter(pk=item.pk)
    if not isinstance(rows, AudienceQuerySet):
        raise TypeError(f"{type(item).__name__} has no audience.")
    return rows.visible_to(viewer).exists()


def relation_between(viewer: Viewer, owner: User) -> Relation:
    """How `viewer` stands to `owner`: self, friend, friend of a friend, member or visitor.

    Blocked pairs come out as `MEMBER` here; callers hide blocked people before asking."""
    if not _is_signed_in(viewer):
        return Relation.ANONYMOUS
    if viewer.pk == owner.pk:
        return Relation.SELF
    Friendship = apps.get_model("social", "Friendship")
    if Friendship.objects.filter(user_id=owner.pk, friend_id=viewer.pk).exists():
        return Relation.FRIEND
    if Friendship.objects.filter(
        user_id=owner.pk, friend__friend_links__friend_id=viewer.pk
    ).exists():
        return Relation.FOF
    return Relation.MEMBER
