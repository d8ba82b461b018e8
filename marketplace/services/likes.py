"""Liking a listing, a review, a post or a product, and taking the like back. One like per member
and thing; the member may like only what they may see. A like has an audience (friends by
default), like a post: `like_toggle` sets it when the like is made."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Model

from accounts.models import User
from config.errors import NotFound
from marketplace.models import Like, ProductModel
from marketplace.services.reports import report_target
from social.audience import Audience
from social.services.posts import audience_checked


def target_seen_by(viewer: User, kind: str, object_id: int | str) -> Model:
    """The thing of `kind` with `object_id` if `viewer` may see it (a listing, review or post:
    the reports' one rule, `report_target`; any product of the catalog); NotFound otherwise
    (whether it exists is not told)."""
    if kind in (Like.Kind.LISTING, Like.Kind.REVIEW, Like.Kind.POST):
        return report_target(reporter=viewer, kind=kind, object_id=object_id)
    try:
        found = (
            ProductModel.objects.filter(pk=int(object_id)).first() if kind == "product" else None
        )
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound("This does not exist or you can't see it.", code="not_found")
    return found


@transaction.atomic
def like_toggle(
    *,
    owner: User,
    kind: str,
    object_id: int | str,
    audience: str | None = None,
    circle_ids: Iterable[int] = (),
) -> Like | None:
    """Like the thing, for `audience` (friends by default), or take an existing like back
    (None)."""
    target = target_seen_by(owner, kind, object_id)
    existing = Like.objects.filter(owner=owner, kind=kind, **{kind: target}).first()
    if existing is not None:
        existing.delete()
        return None
    audience, circles = audience_checked(
        owner=owner, audience=audience or Audience.FRIENDS, circle_ids=circle_ids
    )
    try:
        with transaction.atomic():
            like = Like.objects.create(owner=owner, kind=kind, audience=audience, **{kind: target})
    except IntegrityError:  # liked twice at once: one like
        return Like.objects.get(owner=owner, kind=kind, **{kind: target})
    like.circles.set(circles)
    return like
