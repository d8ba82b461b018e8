"""Writes on identity and profiles. Views, the API and the admin call these; rules live here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final, Literal

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.images import clean_image
from accounts.models import Interest, Profile, User, round_coordinate
from accounts.places import place_named
from config.bulk import refuse_row
from config.errors import Conflict, DomainError, NotFound


class _Unset(Enum):
    """A coordinate not given, apart from None (given: the place is cleared)."""

    UNSET = "unset"


_UNSET: Final = _Unset.UNSET


def _check_details(profile: Profile) -> None:
    """The rules on what a person tells about themselves: a whole point or none, and every field
    within its limits. Raises DomainError on the field to correct."""
    if (profile.home_latitude is None) != (profile.home_longitude is None):
        raise DomainError(
            "Give both the latitude and the longitude of home, or neither.",
            code="half_point",
            field="home_latitude" if profile.home_latitude is None else "home_longitude",
        )
    try:
        profile.full_clean(exclude=["user", "avatar"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(
            messages[0], code="invalid", field=None if field == NON_FIELD_ERRORS else field
        ) from None


def _home(profile: Profile, home_place: str) -> None:
    """Set home to the town `home_place` names, or clear it when the name is blank; the name
    already kept leaves home as it is (it may have been set with a point, by the API). Raises
    DomainError (on `home_place`) for a name the gazetteer does not know."""
    if not home_place.strip():
        profile.home_place, profile.home_latitude, profile.home_longitude = "", None, None
        return
    if " ".join(home_place.split()) == profile.home_place and profile.has_home:
        return  # the name kept, sent back unchanged: the point stays where it is
    town = place_named(home_place, field="home_place")
    profile.home_place = town.label
    profile.home_latitude = round_coordinate(town.latitude)
    profile.home_longitude = round_coordinate(town.longitude)


def clean_avatar(avatar: File[Any]) -> ContentFile[bytes]:
    """An avatar as it is kept: a sane picture, re-encoded without metadata, 512 px at most."""
    return clean_image(avatar, max_side=512, name="avatar")


def verification_resend(*, request: HttpRequest, email: str) -> bool:
    """Send the confirmation link again to an address waiting for it (a new link; the old one
    still works). Says nothing of whether the address has an account: the caller answers the same
    either way. At most `ACCOUNT_RATE_LIMITS["resend_verification"]`. Returns whether it sent."""
    email = email.strip().lower()
    if not email or len(email) > 254:
        return False
    if not ratelimit.consume(request, action="resend_verification", key=email):
        return False
    address = EmailAddress.objects.filter(email__iexact=email, verified=False).first()
    if address is None:
        return False
    address.send_confirmation(request, signup=False)
    return True


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

    Home is a town's name (`home_place`, "Lyon, France"; blank clears home), found in the
    gazetteer, which gives its point; the API may give the point itself instead, with any name.
    The avatar is validated and re-encoded without metadata (`accounts.images.clean_image`);
    coordinates are rounded to about 1 km. Raises DomainError on bad input (a town we do not
    know, an over-long bio, half a coordinate pair) and `ValidationError` for a file that is
    not a sane picture, having changed nothing.
    """
    profile = Profile.objects.select_for_update().get(user=user)
    if display_name is not None:
        profile.display_name = display_name.strip()
    if bio is not None:
        profile.bio = bio.strip()
    by_point = home_latitude is not _UNSET or home_longitude is not _UNSET
    if home_place is not None and not by_point:
        _home(profile, home_place)
    elif home_place is not None:
        profile.home_place = home_place.strip()
    if home_latitude is not _UNSET:
        profile.home_latitude = round_coordinate(home_latitude)
    if home_longitude is not _UNSET:
        profile.home_longitude = round_coordinate(home_longitude)
    _check_details(profile)
    new_avatar = clean_avatar(avatar) if avatar else None
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


# --- Many at once (the demo, imports, benchmark loaders) -------------------------------------


@dataclass(frozen=True)
class NewAccount:
    """An account to make in bulk; `joined_at` back-dates it (None: now)."""

    email: str
    joined_at: datetime | None = None
    is_staff: bool = False
    is_superuser: bool = False


@transaction.atomic
def accounts_create(*, accounts: Sequence[NewAccount], password: str) -> list[User]:
    """Make many accounts at once, all with `password` (hashed once: hashing each with Argon2
    would take most of a minute for sixty), each with a verified primary address and an empty
    profile, as signing up leaves them. What other apps set up for a new person (circles,
    settings) is theirs to do in bulk: no post_save is sent. Raises DomainError naming the first
    row whose address is empty, repeated, or already someone's; then nothing is written."""
    emails = [User.objects.normalize_email(account.email).lower() for account in accounts]
    taken = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    seen: set[str] = set()
    for index, email in enumerate(emails):
        if not email:
            raise refuse_row(index, DomainError("Give an email address.", code="no_email"))
        if email in taken or email in seen:
            raise refuse_row(
                index,
                Conflict(f"{email} already has an account.", code="email_taken", field="email"),
            )
        seen.add(email)
    hashed = make_password(password)
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                email=email,
                password=hashed,
                is_staff=account.is_staff,
                is_superuser=account.is_superuser,
                date_joined=account.joined_at or now,
            )
            for email, account in zip(emails, accounts, strict=True)
        ]
    )
    Profile.objects.bulk_create([Profile(user=user) for user in users])
    email_addresses_verify(users=users)
    return users


@transaction.atomic
def email_addresses_verify(*, users: Iterable[User]) -> None:
    """Mark each person's own address verified (made primary when they had none on record):
    for accounts whose address is known good (made in bulk, staff-made)."""
    users = list(users)
    addresses = EmailAddress.objects.filter(user__in=users)
    have_address = set(addresses.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in users
            if user.pk not in have_address
        ]
    )
    addresses.filter(email__in=[user.email for user in users], verified=False).update(verified=True)


@transaction.atomic
def account_access_restore(
    *, user: User, password: str, is_staff: bool, is_superuser: bool, group_names: Iterable[str]
) -> User:
    """Make `user` able to sign in with `password` and the given role again (the demo's printed
    logins always work). Groups that do not exist are left out."""
    if not user.check_password(password):
        user.set_password(password)
    user.is_active = True
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    user.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
    user.groups.add(*Group.objects.filter(name__in=list(group_names)))
    return user


@transaction.atomic
def interests_create(*, names: Mapping[str, str]) -> list[Interest]:
    """The interests `names` (slug -> name) that do not exist yet; returns those made."""
    existing = set(Interest.objects.filter(slug__in=names).values_list("slug", flat=True))
    return Interest.objects.bulk_create(
        [Interest(slug=slug, name=names[slug]) for slug in sorted(set(names) - existing)]
    )


@dataclass(frozen=True)
class ProfileDetails:
    """Details to write on one person's profile; None leaves a field as it is."""

    user_id: int
    display_name: str | None = None
    bio: str | None = None
    home_place: str | None = None
    home: tuple[Decimal | float, Decimal | float] | None = None


DETAIL_FIELDS = ["display_name", "bio", "home_place", "home_latitude", "home_longitude"]


@transaction.atomic
def profiles_update(*, details: Sequence[ProfileDetails]) -> list[Profile]:
    """`profile_update` for many people at once, under its rules (home by a town's name, or a
    whole point or none; fields within limits, coordinates rounded to about 1 km). Raises
    DomainError naming the first row refused (or one for a person without a profile); then
    nothing is written."""
    profiles = Profile.objects.in_bulk([row.user_id for row in details], field_name="user_id")
    changed: list[Profile] = []
    for index, row in enumerate(details):
        profile = profiles.get(row.user_id)
        if profile is None:
            raise refuse_row(index, NotFound("No such person.", code="no_profile"))
        try:
            for name in ("display_name", "bio"):
                value = getattr(row, name)
                if value is not None:
                    setattr(profile, name, value.strip())
            if row.home_place is not None and row.home is None:
                _home(profile, row.home_place)
            elif row.home_place is not None:
                profile.home_place = row.home_place.strip()
            if row.home is not None:
                profile.home_latitude = round_coordinate(row.home[0])
                profile.home_longitude = round_coordinate(row.home[1])
            _check_details(profile)
        except DomainError as error:
            raise refuse_row(index, error) from None
        profile.updated_at = timezone.now()  # bulk_update leaves auto_now alone
        changed.append(profile)
    Profile.objects.bulk_update(changed, [*DETAIL_FIELDS, "updated_at"])
    return changed


@transaction.atomic
def profile_interests_add(*, choices: Sequence[tuple[int, str]]) -> int:
    """Add interests to people's profiles, each `(user_id, interest slug)`; what they already
    declared stays. Raises DomainError naming the first row with an unknown interest or person;
    then nothing is written. Returns how many were added."""
    interests = dict(Interest.objects.values_list("slug", "pk"))
    profiles = dict(
        Profile.objects.filter(user_id__in={user_id for user_id, _ in choices}).values_list(
            "user_id", "pk"
        )
    )
    Through = Profile.interests.through
    rows = []
    for index, (user_id, slug) in enumerate(choices):
        if slug not in interests:
            raise refuse_row(index, DomainError(f"No interest “{slug}”.", code="no_interest"))
        if user_id not in profiles:
            raise refuse_row(index, NotFound("No such person.", code="no_profile"))
        rows.append(Through(profile_id=profiles[user_id], interest_id=interests[slug]))
    return len(Through.objects.bulk_create(rows, ignore_conflicts=True))


@transaction.atomic
def profiles_mark_onboarded(*, users: Iterable[User]) -> int:
    """`profile_mark_onboarded` for many people: the first time is kept. Returns how many
    changed."""
    return Profile.objects.filter(user__in=list(users), onboarded_at__isnull=True).update(
        onboarded_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def profile_avatars_set(*, avatars: Sequence[tuple[Profile, File[Any]]]) -> list[Profile]:
    """Give many profiles a picture each, cleaned as an upload is (`clean_avatar`). Raises
    DomainError naming the first picture refused; then nothing is written. The files replaced
    are not deleted (their names are the profiles' own and may be shared by nothing else)."""
    cleaned = []
    for index, (profile, avatar) in enumerate(avatars):
        try:
            cleaned.append((profile, clean_avatar(avatar)))
        except ValidationError as error:
            refusal = DomainError(" ".join(error.messages), code="bad_avatar")
            raise refuse_row(index, refusal) from None
    for profile, picture in cleaned:
        profile.avatar.save(picture.name or "avatar.png", picture, save=False)
        profile.updated_at = timezone.now()  # bulk_update leaves auto_now alone
    Profile.objects.bulk_update([profile for profile, _ in cleaned], ["avatar", "updated_at"])
    return [profile for profile, _ in cleaned]
