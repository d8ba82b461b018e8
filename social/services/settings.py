"""How a person appears to others: profile details audience, findability."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from social.models import SocialSettings
from social.services.posts import audience_checked

if TYPE_CHECKING:
    from accounts.models import User


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
