"""How a person appears to others: profile details audience, findability."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from social.models import SocialSettings
from social.services.circles import default_circles_create
from social.services.posts import audience_checked

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def people_set_up(*, users: Sequence[User]) -> tuple[int, int]:
    """What a new person starts with (`social.signals.set_up_new_person`: Family, Close friends
    and Work, and private-leaning settings), for many at once: accounts made in bulk send no
    post_save. Safe to call twice. Returns how many settings and circles were made."""
    ids = [user.pk for user in users]
    with_settings = set(
        SocialSettings.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    )
    made = SocialSettings.objects.bulk_create(
        [SocialSettings(user_id=pk) for pk in ids if pk not in with_settings]
    )
    return len(made), len(default_circles_create(owner_ids=ids))


def social_settings_for(user: User) -> SocialSettings:
    settings, _ = SocialSettings.objects.get_or_create(user=user)
    return settings


@transaction.atomic
def social_settings_update(
    *,
    user: User,
    details_audience: str | None = None,
    details_circle_ids: Iterable[int] = (),
    findable: bool | None = None,
) -> SocialSettings:
    """Change who sees the profile details and whether people search finds this person."""
    settings = social_settings_for(user)
    if details_audience is not None:
        settings.details_audience, circles = audience_checked(
            owner=user, audience=details_audience, circle_ids=details_circle_ids
        )
        settings.details_circles.set(circles)
    if findable is not None:
        settings.findable = findable
    settings.save()
    return settings
