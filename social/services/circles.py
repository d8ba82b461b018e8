"""Circles: the silos a person sorts friends into. Private to their owner."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Model

from config.errors import Conflict, DomainError, NotFound
from social.audience import networks_changed
from social.models import Circle, CircleMembership, Friendship

if TYPE_CHECKING:
    from accounts.models import User

NAME_MAX_LENGTH: int = Circle._meta.get_field("name").max_length  # type: ignore[assignment]  # set on the field


def circles_create_defaults(*, owner: User) -> None:
    """Family, Close friends and Work, for a new person. Safe to call twice."""
    default_circles_create(owner_ids=[owner.pk])


def default_circles_create(*, owner_ids: Iterable[int]) -> list[Circle]:
    """`circles_create_defaults` for many people at once (accounts made in bulk). Safe to call
    twice. Returns the circles made."""
    owner_ids = list(owner_ids)
    existing = {
        (owner_id, name.lower())
        for owner_id, name in Circle.objects.filter(owner_id__in=owner_ids).values_list(
            "owner_id", "name"
        )
    }
    return Circle.objects.bulk_create(
        [
            Circle(owner_id=owner_id, name=name)
            for owner_id in owner_ids
            for name in Circle.DEFAULT_NAMES
            if (owner_id, name.lower()) not in existing
        ]
    )


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("Give the circle a name.", code="empty_name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"Keep the name to {NAME_MAX_LENGTH} characters.", code="long_name")
    return name


def _save_name(circle: Circle, name: str) -> Circle:
    if (
        Circle.objects.filter(owner_id=circle.owner_id, name__iexact=name)
        .exclude(pk=circle.pk)
        .exists()
    ):
        raise Conflict(f"You already have a circle called “{name}”.", code="duplicate_name")
    circle.name = name
    try:
        with transaction.atomic():
            circle.save()
    except IntegrityError:
        raise Conflict(
            f"You already have a circle called “{name}”.", code="duplicate_name"
        ) from None
    return circle


def owned_circle(*, owner: User, circle_id: int) -> Circle:
    """The owner's circle `circle_id`; NotFound for anyone else's (their existence is private)."""
    try:
        return Circle.objects.get(pk=circle_id, owner=owner)
    except (Circle.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such circle.", code="no_circle") from None


def owned_circles(*, owner: User, circle_ids: Iterable[int]) -> list[Circle]:
    """The owner's circles with these ids; DomainError if any id is not theirs."""
    ids = {int(pk) for pk in circle_ids}
    circles = list(Circle.objects.filter(owner=owner, pk__in=ids))
    if len(circles) != len(ids):
        raise foreign_circle()
    return circles


def foreign_circle() -> DomainError:
    """The refusal of a circle that is not the owner's own (to raise)."""
    return DomainError(
        "Choose only among your own circles.", code="foreign_circle", field="circles"
    )


@transaction.atomic
def circle_create(*, owner: User, name: str) -> Circle:
    return _save_name(Circle(owner=owner), _clean_name(name))


@transaction.atomic
def circle_rename(*, owner: User, circle_id: int, name: str) -> Circle:
    return _save_name(owned_circle(owner=owner, circle_id=circle_id), _clean_name(name))


@transaction.atomic
def circle_delete(*, owner: User, circle_id: int) -> None:
    """Delete a circle. Content shared with it alone is then seen by its owner only."""
    owned_circle(owner=owner, circle_id=circle_id).delete()


@transaction.atomic
def circle_memberships_set(*, owner: User, friend: User, circle_ids: Iterable[int]) -> list[Circle]:
    """Put `friend` in exactly these circles of `owner`. The friend is never told."""
    if not Friendship.objects.filter(user=owner, friend=friend).exists():
        raise DomainError("Only friends can be put in circles.", code="not_friends")
    circles = owned_circles(owner=owner, circle_ids=circle_ids)
    CircleMembership.objects.filter(circle__owner=owner, member=friend).exclude(
        circle__in=circles
    ).delete()
    CircleMembership.objects.bulk_create(
        [CircleMembership(circle=circle, member=friend) for circle in circles],
        ignore_conflicts=True,
    )
    networks_changed([owner.pk, friend.pk])  # bulk_create sends no post_save
    return circles


@transaction.atomic
def circle_memberships_add(memberships: Iterable[tuple[int, int]]) -> list[CircleMembership]:
    """Put many people in circles at once (seeding, imports), each `(circle_id, member_id)`, with
    the rule `circle_memberships_set` keeps: a circle holds its owner's friends only (anyone else
    is left out). Nothing is made twice; nobody is told. Returns the rows written."""
    wanted = list(dict.fromkeys(memberships))
    owners = dict(
        Circle.objects.filter(pk__in={circle_id for circle_id, _ in wanted}).values_list(
            "pk", "owner_id"
        )
    )
    friends = set(
        Friendship.objects.filter(
            user_id__in=set(owners.values()), friend_id__in={member for _, member in wanted}
        ).values_list("user_id", "friend_id")
    )
    rows = [
        CircleMembership(circle_id=circle_id, member_id=member)
        for circle_id, member in wanted
        if (owners.get(circle_id), member) in friends
    ]
    written = CircleMembership.objects.bulk_create(rows, ignore_conflicts=True)
    if written:
        touched = {row.member_id for row in written} | {owners[row.circle_id] for row in written}
        networks_changed(touched)  # bulk_create sends no post_save
    return written


def with_circles_create[M: Model](
    model: type[M], rows: Sequence[tuple[M, Sequence[int]]], *, batch_size: int = 200
) -> list[M]:
    """Insert many rows of content shared with chosen circles (posts, listings, reviews), each
    `(row, circle ids)`, and their circles: for bulk services that checked the circles already
    (`circles_owned_in_bulk`). Returns the rows written, in order."""
    written = model._default_manager.bulk_create([row for row, _ in rows], batch_size=batch_size)
    through: Any = getattr(model, "circles").through  # noqa: B009  # every such model has one
    owner = f"{model._meta.model_name}_id"
    through.objects.bulk_create(
        [
            through(**{owner: row.pk, "circle_id": circle_id})
            for row, (_, circle_ids) in zip(written, rows, strict=True)
            for circle_id in circle_ids
        ]
    )
    return written
