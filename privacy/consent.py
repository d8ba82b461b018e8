"""The consent gate: the only way any feature may read consent.

    consent.allows(owner, Purpose.SOCIAL_PROOF, viewer)          # one person, one viewer
    Review.objects.filter(consent.allowing(Purpose.SOCIAL_PROOF, viewer, owner="author"))
    consent.keep_allowing(queryset, purpose, viewer, owner="author")  # the same, as a call

Both are the same SQL (`EXISTS` over the materialised `ConsentState`), so they cannot disagree.
A grant's scope says to whom: friends, friends of friends, or friends in chosen circles. A
person's own data is always theirs to use for themselves once granted. Blocks either way, an
inactive owner and an anonymous viewer are never allowed. Nothing is cached: a withdrawal is seen
by the very next query. Caches built from gated data carry `consent_version(purpose)` in their
key (and the network versions of `social.audience` for what reaches a viewer through friends).

`allowing(..., network=network)` takes the viewer's `social.audience.Network` when the caller
already read it: the same rules, with "is a friend" and "is a friend of a friend" looked up in its
id lists. `allowed_among(purpose, viewer, people, network=...)` applies the gate once per person
for callers that then read many rows of the same people.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from accounts.models import User, Viewer
from privacy.models import ConsentState
from privacy.purposes import Purpose, Scope
from querycache.lookups import IdArray
from querycache.versions import move_versions, version
from social.audience import (
    Audience,
    Network,
    blocked_either_way,
    circles_table,
    deactivated,
    is_friend_of,
    is_friend_of_friend_of,
)

CONSENT_VERSION_KEY = "privacy:consent-version:{}"


def _check(purpose: str) -> str:
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown purpose {purpose!r}")
    return purpose


def reaching(
    purpose: str, viewer: Viewer, *, network: Network | None = None
) -> QuerySet[ConsentState]:
    """The current grants of `purpose` that reach `viewer`: the rule itself, as a queryset of
    `ConsentState` (one row per owner who allows it). `allowing` and `allowed_among` ask it."""
    _check(purpose)
    states = ConsentState.objects.filter(purpose=purpose).exclude(user_id__in=deactivated())
    if viewer is None or not viewer.is_authenticated:
        return states.none()
    mine = Q(user_id=viewer.pk)
    user = OuterRef("user_id")
    if network is not None:
        if network.viewer_id != viewer.pk:
            raise ValueError("The network passed is another viewer's.")
        friend = Q(user_id__any=network.friend_ids)
        friend_of_friend = Q(user_id__any=network.fof_ids)
    else:
        friend = Q(is_friend_of(user, viewer.pk))
        friend_of_friend = Q(is_friend_of_friend_of(user, viewer.pk))
    in_circle = Q(
        Exists(
            ConsentState.circles.through.objects.filter(
                consentstate_id=OuterRef("pk"), circle__memberships__member_id=viewer.pk
            )
        )
    )
    reaches = (
        (Q(scope=Scope.FRIENDS) & friend)
        | (Q(scope=Scope.FOF) & (friend | friend_of_friend))
        | (Q(scope=Scope.CIRCLES) & in_circle)
    )
    return states.filter(mine | (reaches & ~Q(blocked_either_way(user, viewer.pk))))


def allowing(
    purpose: str, viewer: Viewer, *, owner: str = "pk", network: Network | None = None
) -> Exists:
    """An expression for `.filter()`: the row's owner (the field `owner`, "pk" for people
    themselves) allows `purpose` for `viewer` (whose `network` may be passed, see above)."""
    owner_ref = OuterRef(owner if owner == "pk" or owner.endswith("_id") else f"{owner}_id")
    return Exists(reaching(purpose, viewer, network=network).filter(user_id=owner_ref))


def keep_allowing[M: Model](
    queryset: QuerySet[M], purpose: str, viewer: Viewer, *, owner: str = "pk"
) -> QuerySet[M]:
    """`queryset` narrowed to rows whose owner allows `purpose` for `viewer`. Pure SQL."""
    return queryset.filter(allowing(purpose, viewer, owner=owner))


def allowed_among(
    purpose: str,
    viewer: Viewer,
    people: IdArray | Iterable[int],
    *,
    network: Network | None = None,
) -> set[int]:
    """The ids among `people` who allow `purpose` for `viewer`: the same rule, asked once for
    all of them (for callers that then read many rows of the same people)."""
    ids = people if isinstance(people, IdArray) else IdArray(people)
    grants = reaching(purpose, viewer, network=network).filter(user_id__any=ids)
    return set(grants.values_list("user_id", flat=True))


def allows(owner: User, purpose: str, viewer: Viewer) -> bool:
    """May `owner`'s data be used for `purpose` where `viewer` sees it?"""
    return User.objects.filter(pk=owner.pk).filter(allowing(purpose, viewer)).exists()


def holders(purpose: str) -> QuerySet[ConsentState, int]:
    """Ids of active people who granted `purpose` at all, whatever the scope: for computations
    over the whole consented graph (influence, k-anonymous insights)."""
    return ConsentState.objects.filter(purpose=_check(purpose), user__is_active=True).values_list(
        "user_id", flat=True
    )


def shares_with_whole_scope[M: Model](
    rows: QuerySet[M], purpose: str, *, owner: str, audience: str = "audience"
) -> QuerySet[M]:
    """`rows` narrowed to those their owner shares with everyone their grant of `purpose`
    reaches: for a figure computed once and shown to everyone in that scope (expertise, shown
    under `influence`), which must count only what all of them may see.

    Each row names its owner (the foreign key `owner`), with whom it is shared (the field
    `audience`: an `Audience`, or a `Scope`, whose values are audiences too) and, for chosen
    circles, which ones (its `circles`). A row is kept when that audience covers the owner's
    scope:

    - "public" and "members" cover any scope; "friends of friends" covers all three scopes
      (friends of friends, friends, chosen circles: the circles hold friends);
    - "friends" covers a scope of friends or of chosen circles, not friends of friends;
    - chosen circles cover a scope of chosen circles only when they include every one of its
      circles;
    - "only me" covers nothing, and nothing is kept for an owner without a grant of `purpose`.

    Pure SQL: a few `EXISTS` per row, no Python loop."""
    owner_id = OuterRef(f"{owner}_id")
    grant = ConsentState.objects.filter(purpose=_check(purpose), user_id=owner_id)
    table = circles_table(rows.model)
    row_circles = table.model._default_manager.filter(
        **{table.row: OuterRef(OuterRef("pk"))}
    ).values(table.circle)
    left_out = ConsentState.circles.through.objects.filter(
        consentstate__purpose=purpose, consentstate__user_id=owner_id
    ).exclude(circle__in=row_circles)  # a circle of the grant the row is not shared with
    covers = (
        Q(**{f"{audience}__in": [Audience.PUBLIC, Audience.MEMBERS, Audience.FOF]})
        | (
            Q(**{audience: Audience.FRIENDS})
            & Q(Exists(grant.filter(scope__in=[Scope.FRIENDS, Scope.CIRCLES])))
        )
        | (
            Q(**{audience: Audience.CIRCLES})
            & Q(Exists(grant.filter(scope=Scope.CIRCLES)))
            & ~Q(Exists(left_out))
        )
    )
    return rows.filter(covers, Exists(grant))


def grants_of(purpose: str, people: Iterable[int]) -> QuerySet[ConsentState]:
    """The current grants of `purpose` by `people` (ids, or a query of them), whatever their
    scope: for rules about the grant itself (`shares_with_whole_scope`)."""
    return ConsentState.objects.filter(purpose=_check(purpose), user_id__in=people)


def granted(owner: User, purpose: str) -> bool:
    """Has `owner` granted `purpose` (for their own use, e.g. personalization)?"""
    return ConsentState.objects.filter(
        user_id=owner.pk, purpose=_check(purpose), user__is_active=True
    ).exists()


def consent_version(purpose: str) -> str:
    """A version of everyone's consent to `purpose`: a random token that moves whenever anyone
    grants it, changes its scope or circles, or withdraws it (the model signals of
    `ConsentState`, `privacy/signals.py`), so a cache of data gated by `purpose` that puts it in
    its key is not read again after a withdrawal. One per purpose: granting personalization
    leaves every cache of social proof as it is. What decides whom a grant reaches (friendships,
    blocks, circles, a suspension) moves the viewers' network versions instead."""
    return version(CONSENT_VERSION_KEY.format(_check(purpose)))


def consents_changed(purposes: Iterable[str]) -> None:
    """Someone's consent to `purposes` changed: move their versions, now and after commit.
    Called by the model signals; by hand only after writes that bypass them (bulk writes)."""
    move_versions(CONSENT_VERSION_KEY.format(_check(purpose)) for purpose in purposes)
