"""What a viewer learns about the likes of things: whether they like it, and the friends whose like
reaches them (named: the like's audience decides, through `Like.objects.visible_to(viewer)`).
Nobody else's like is shown or counted: a count of people not named would need noise and a
share of the viewer's daily budget for every thing on a page (`privacy.releases`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from accounts.models import User, Viewer
from marketplace.models import Like
from social.selectors import friend_ids

FRIENDS_NAMED = 3


@dataclass
class Likes:
    kind: str
    object_id: int
    mine: bool = False
    friends: list[User] = field(default_factory=list)  # friends whose like reaches the viewer
    more_friends: int = 0  # friends beyond those named (exact: they are friends)


def likes_of(viewer: Viewer, kind: str, ids: Iterable[int]) -> dict[int, Likes]:
    """For each id of `kind`: the viewer's like and the friends named. Two queries."""
    ids = [int(pk) for pk in ids]
    found = {pk: Likes(kind=kind, object_id=pk) for pk in ids}
    if not ids or not isinstance(viewer, User) or not viewer.is_authenticated:
        return found
    for pk in Like.objects.filter(owner=viewer, kind=kind, **{f"{kind}_id__in": ids}).values_list(
        f"{kind}_id", flat=True
    ):
        found[pk].mine = True
    friends: dict[int, list[User]] = defaultdict(list)
    rows = (
        Like.objects.visible_to(viewer)
        .filter(kind=kind, owner_id__in=friend_ids(viewer), **{f"{kind}_id__in": ids})
        .select_related("owner__profile")
        .order_by("-created_at")
    )
    for like in rows:
        friends[getattr(like, f"{kind}_id")].append(like.owner)
    for pk, people in friends.items():
        found[pk].friends = people[:FRIENDS_NAMED]
        found[pk].more_friends = max(0, len(people) - FRIENDS_NAMED)
    return found
