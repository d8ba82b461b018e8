"""Writes on identity and profiles. Views, the API and the admin call these; rules live here."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Final, Literal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.images import clean_image
from accounts.models import Interest, Profile, User, round_coordinate


class _Unset(Enum):
    """A coordinate not given, apart from None (given: the place is cleared)."""

    UNSET = "unset"


_UNSET: Final = _Unset.UNSET


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str | None = None,
    bio: str | None = None,
    home_place: str | None = None,
    home_latitude: Decimal | float | None | Literal[_Unset.UNSET] = _UNSET,
    home_longitude: Decimal | float | None | Literal[_Unset.UNSET] = _UNSET,
    interests: Iterable[Interest] | None = None,
    avatar: File[bytes] | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Update the fields given (None leaves a field as it is) and return the saved profile.

    The avatar is validated and re-encoded without metadata (`accounts.images.clean_image`);
    coordinates are rounded to about 1 km. Raises `ValidationError` on bad input (an over-long
    bio, half a coordinate pair, a file that is not a sane picture), having changed nothing.
    """
    profile = Profile.objects.select_for_update().get(user=user)
    if display_name is not None:
        profile.display_name = display_name.strip()
    if bio is not None:
        profile.bio = bio.strip()
    if home_place is not None:
        profile.home_place = home_place.strip()
    if home_latitude is not _UNSET:
        profile.home_latitude = round_coordinate(home_latitude)
    if home_longitude is not _UNSET:
        profile.home_longitude = round_coordinate(home_longitude)
    if (profile.home_latitude is None) != (profile.home_longitude is None):
        raise ValidationError("Give both latitude and longitude, or neither.", code="half_point")
    new_avatar = clean_image(avatar, max_side=512, name="avatar") if avatar else None
    profile.full_clean(exclude=["user", "avatar"])
    old_avatar_name = profile.avatar.name if (new_avatar or remove_avatar) else None
    if new_avatar:
        profile.avatar.save(new_avatar.name or "avatar", new_avatar, save=False)  # always named
    elif remove_avatar:
        profile.avatar = ""
    profile.save()
    if interests is not None:
        profile.interests.set(interests)
    if old_avatar_name:
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar_name))
    return profile


@transaction.atomic
def profile_mark_onboarded(*, user: User) -> Profile:
    """Record that `user` has been through the welcome after sign-up (finished or skipped it), so
    signing in no longer leads there. Safe to call twice: the first time is kept."""
    profile = Profile.objects.select_for_update().get(user=user)
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
        profile.save(update_fields=["onboarded_at", "updated_at"])
    return profile


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """The API token of `user`, made on first request. The caller has authenticated them."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    """Forget the API token of `user`: every client using it is signed out."""
    Token.objects.filter(user=user).delete()
