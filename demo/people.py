"""The demo community that `manage.py seed_demo` builds: about sixty people in three regions.

Everything here is deterministic: the roster comes from a fixed random seed, so every run (and
every machine) gets the same people with the same names, places and interests. Every demo account
has an address at `DEMO_DOMAIN` and the password `settings.DEMO_PASSWORD`.
The story's data (regions, places, names, interests, bio lines, and Anna, Ben and the staff
accounts) is in `demo/data/people.toml`; this module turns it into people and accounts.

`build()` runs the steps in order, inside one transaction. Each step is idempotent: it creates
what is missing and fills what is blank, and never duplicates or overwrites what is there, so the
command can run on every `make run` and a presenter's edits survive a restart.

The other modules of this app (`demo.network`, `demo.market`, `demo.consents`) extend the seed by
registering their own steps:

    from demo.people import demo_step, demo_users

    @demo_step
    def seed_friendships() -> str:
        people = demo_users()  # email -> User, for everyone in the roster
        ...
        return "Friendships: 120 (0 new)"

`DemoConfig.ready()` imports them in the direction of dependency, so the steps run in a sensible
order: people first, then their friendships, then what they post and sell, then their consents.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from accounts.models import Interest, Profile, User, round_coordinate
from accounts.services import (
    NewAccount,
    ProfileDetails,
    account_access_restore,
    accounts_create,
    email_addresses_verify,
    interests_create,
    profile_avatars_set,
    profile_interests_add,
    profiles_mark_onboarded,
    profiles_update,
)
from demo.story import story, tupled

DEMO_DOMAIN = "demo.bazaar.test"
ROSTER_SEED = 20260601
PEOPLE_PER_REGION = 20
AVATAR_SIZE = 256


# --- Places ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A neighbourhood homes are around (its name is told in bios) and the town it is in, as
    the gazetteer names it (the name a home and a listing keep)."""

    name: str
    latitude: float
    longitude: float
    town: str


@dataclass(frozen=True)
class NameGroup:
    """First and family names that belong together, so nobody is an unlikely mix of both."""

    weight: int
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    slug: str
    name: str
    places: tuple[Place, ...]
    # The box every home in the region falls in: (south, west, north, east).
    bounds: tuple[float, float, float, float]
    name_groups: tuple[NameGroup, ...]
    # Interests people here declare more often than elsewhere.
    local_interests: tuple[str, ...]

    def contains(self, latitude: Decimal | float, longitude: Decimal | float) -> bool:
        south, west, north, east = self.bounds
        return south <= float(latitude) <= north and west <= float(longitude) <= east


def _region(data: dict) -> Region:
    return Region(
        slug=data["slug"],
        name=data["name"],
        places=tuple(Place(name, lat, lng, town) for name, lat, lng, town in data["places"]),
        bounds=tuple(data["bounds"]),
        name_groups=tuple(
            NameGroup(group["weight"], tuple(group["first_names"]), tuple(group["last_names"]))
            for group in data["name_groups"]
        ),
        local_interests=tuple(data["local_interests"]),
    )


PEOPLE = story("people")
REGIONS: tuple[Region, ...] = tuple(_region(region) for region in PEOPLE["regions"])


# --- Interests and bios (`demo/data/people.toml`) -------------------------------------------

INTERESTS: dict[str, str] = PEOPLE["interests"]
INTEREST_LINES: dict[str, tuple[str, ...]] = tupled(PEOPLE["interest_lines"])
LIFE_LINES: tuple[str, ...] = tupled(PEOPLE["life_lines"])
MARKET_LINES: tuple[str, ...] = tupled(PEOPLE["market_lines"])


# --- The roster -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    bio: str = ""
    region: str = ""
    place: str = ""
    town: str = ""  # the gazetteer's name of the town `place` is in: home, and listings
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    interests: tuple[str, ...] = ()
    joined_days_ago: int = 365
    is_staff: bool = False
    is_superuser: bool = False
    groups: tuple[str, ...] = ()  # permission groups, joined when they exist (see migrations)


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def _named(key: str) -> DemoPerson:
    """One of the people the story is about (or a staff account), from `[people.<key>]`."""
    data = dict(PEOPLE["people"][key])
    for coordinate in ("latitude", "longitude"):
        if coordinate in data:
            data[coordinate] = round_coordinate(data[coordinate])
    return DemoPerson(email=demo_email(key), **tupled(data))


ANNA = _named("anna")
BEN = _named("ben")
MODERATOR = _named("moderator")
ADMIN = _named("admin")

STAFF: tuple[DemoPerson, ...] = (MODERATOR, ADMIN)

# The accounts `manage.py demo_logins` prints, with what each is good for.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    (ANNA.email, f"{ANNA.display_name}, cyclist in Lyon"),
    (BEN.email, f"{BEN.display_name}, Anna's friend in Villeurbanne"),
    (MODERATOR.email, "moderator (staff, /admin/)"),
    (ADMIN.email, "administrator (superuser, /admin/)"),
)


@cache
def roster() -> tuple[DemoPerson, ...]:
    """The community members (not the staff accounts), always the same ones in the same order."""
    rng = random.Random(ROSTER_SEED)
    people: list[DemoPerson] = [ANNA, BEN]
    taken = {person.email for person in (*people, *STAFF)}
    for region in REGIONS:
        already = sum(1 for person in people if person.region == region.slug)
        for _ in range(PEOPLE_PER_REGION - already):
            person = _invent_person(rng, region, taken)
            taken.add(person.email)
            people.append(person)
    return tuple(people)


def everyone() -> tuple[DemoPerson, ...]:
    """The roster and the staff accounts: every account the seed makes."""
    return (*roster(), *STAFF)


def region_of(person: DemoPerson) -> Region | None:
    return next((region for region in REGIONS if region.slug == person.region), None)


def _invent_person(rng: random.Random, region: Region, taken: set[str]) -> DemoPerson:
    group = rng.choices(region.name_groups, weights=[g.weight for g in region.name_groups])[0]
    while True:
        first, last = rng.choice(group.first_names), rng.choice(group.last_names)
        email = demo_email(f"{slugify(first)}.{slugify(last)}")
        if email not in taken:
            break
    display_name = f"{first} {last[0]}." if rng.random() < 0.2 else f"{first} {last}"
    place = rng.choice(region.places)
    # Spread people around their neighbourhood; the model keeps only about a kilometre anyway.
    latitude = round_coordinate(place.latitude + rng.uniform(-0.012, 0.012))
    longitude = round_coordinate(place.longitude + rng.uniform(-0.012, 0.012))
    interests = _pick_interests(rng, region)
    return DemoPerson(
        email=email,
        display_name=display_name,
        bio=_write_bio(rng, place, interests),
        region=region.slug,
        place=place.name,
        town=place.town,
        latitude=latitude,
        longitude=longitude,
        interests=interests,
        joined_days_ago=rng.randint(15, 700),
    )


def _pick_interests(rng: random.Random, region: Region) -> tuple[str, ...]:
    pool = list(INTERESTS)
    weights = [3 if slug in region.local_interests else 1 for slug in pool]
    chosen: list[str] = []
    for _ in range(rng.randint(2, 5)):
        slug = rng.choices(pool, weights=weights)[0]
        index = pool.index(slug)
        del pool[index], weights[index]
        chosen.append(slug)
    return tuple(chosen)


def _write_bio(rng: random.Random, place: Place, interests: tuple[str, ...]) -> str:
    town = place.name.split(",")[-1].strip()
    lines = [rng.choice(LIFE_LINES).format(place=town)]
    lines += [rng.choice(INTEREST_LINES[slug]) for slug in interests[:2]]
    if rng.random() < 0.4:
        lines.append(rng.choice(MARKET_LINES))
    return " ".join(lines)


# --- Steps ----------------------------------------------------------------------------------

Step = Callable[[], str]
_STEPS: list[Step] = []


def demo_step(step: Step) -> Step:
    """Register a step of the seed. It takes no arguments, is idempotent, and returns one line
    saying what it did."""
    if step not in _STEPS:
        _STEPS.append(step)
    return step


class Writer(Protocol):
    """Where the seed reports: a text stream, or a management command's `stdout`."""

    def write(self, text: str, /) -> object: ...


@transaction.atomic
def build(stdout: Writer | None = None) -> list[str]:
    """Create or complete the demo community; return (and write to `stdout`) one line per step.

    Runs every registered step in order, all or nothing.
    """
    report = []
    for step in _STEPS:
        line = step()
        report.append(line)
        if stdout is not None:
            stdout.write(f"  {line}")
    return report


def demo_users() -> dict[str, User]:
    """Every demo account that exists, by email; for the steps that build on the people."""
    emails = [person.email for person in everyone()]
    return {user.email: user for user in User.objects.filter(email__in=emails)}


@demo_step
def seed_interests() -> str:
    made = interests_create(names=INTERESTS)
    return f"Interests: {len(INTERESTS)} ({len(made)} new)"


@demo_step
def seed_people() -> str:
    """Accounts (verified address, demo password), then the blanks of their profiles."""
    people = everyone()
    created = _create_missing_accounts(people)
    users = demo_users()
    _reset_demo_logins(users)
    email_addresses_verify(users=users.values())
    _complete_profiles(people, users)
    counts = ", ".join(
        f"{region.name} {sum(1 for p in roster() if p.region == region.slug)}" for region in REGIONS
    )
    return (
        f"{len(roster())} people in {len(REGIONS)} regions ({counts}), plus a moderator "
        f"and an admin: {created} accounts new, {len(people) - created} already there"
    )


def _create_missing_accounts(people: tuple[DemoPerson, ...]) -> int:
    existing = set(
        User.objects.filter(email__in=[p.email for p in people]).values_list("email", flat=True)
    )
    now = timezone.now()
    made = accounts_create(
        accounts=[
            NewAccount(
                email=person.email,
                joined_at=now - timedelta(days=person.joined_days_ago),
                is_staff=person.is_staff,
                is_superuser=person.is_superuser,
            )
            for person in people
            if person.email not in existing
        ],
        password=settings.DEMO_PASSWORD,
    )
    return len(made)


def _reset_demo_logins(users: dict[str, User]) -> None:
    """The printed logins always work: active, with their role, and the current demo password."""
    by_email = {person.email: person for person in everyone()}
    for email, _ in DEMO_LOGINS:
        person = by_email[email]
        account_access_restore(
            user=users[email],
            password=settings.DEMO_PASSWORD,
            is_staff=person.is_staff,
            is_superuser=person.is_superuser,
            group_names=person.groups,
        )


def _complete_profiles(people: tuple[DemoPerson, ...], users: dict[str, User]) -> None:
    """Fill what is blank on each profile (a presenter's edits stay), mark everyone onboarded,
    and give the interests to whoever declared none."""
    by_email = {person.email: person for person in people}
    profiles = list(Profile.objects.filter(user__in=users.values()).select_related("user"))
    details: list[ProfileDetails] = []
    for profile in profiles:
        person = by_email[profile.user.email]
        blank_home = not profile.home_place and not profile.has_home and bool(person.town)
        row = ProfileDetails(
            user_id=profile.user_id,
            display_name=None if profile.display_name else person.display_name,
            bio=None if profile.bio or not person.bio else person.bio,
            home_place=person.town if blank_home else None,
            home=(person.latitude, person.longitude)
            if blank_home and person.latitude is not None and person.longitude is not None
            else None,
        )
        if (row.display_name, row.bio, row.home_place) != (None, None, None):
            details.append(row)
    profiles_update(details=details)
    # Demo people are long-standing members: signing in takes them home, not to the welcome.
    profiles_mark_onboarded(users=users.values())

    Through = Profile.interests.through
    with_interests = set(
        Through.objects.filter(profile__in=profiles).values_list("profile_id", flat=True)
    )
    known = set(Interest.objects.values_list("slug", flat=True))
    profile_interests_add(
        choices=[
            (profile.user_id, slug)
            for profile in profiles
            if profile.pk not in with_interests
            for slug in by_email[profile.user.email].interests
            if slug in known
        ]
    )


@demo_step
def seed_avatars() -> str:
    """An initials picture for every demo profile without a picture on disk."""
    profiles = Profile.objects.filter(user__email__in=[p.email for p in everyone()])
    drawn: list[tuple[Profile, ContentFile[bytes]]] = []
    for profile in profiles.select_related("user"):
        if profile.avatar.name and profile.avatar.storage.exists(profile.avatar.name):
            continue
        name = profile.display_name or profile.user.email
        drawn.append((profile, initials_avatar(name, profile.user.email)))
    profile_avatars_set(avatars=drawn)
    return f"Avatars: {len(drawn)} drawn, {profiles.count() - len(drawn)} kept"


# --- Avatars --------------------------------------------------------------------------------

# Backgrounds dark enough for white initials to pass WCAG AA contrast.
AVATAR_COLOURS = (
    "#1d4ed8",
    "#0f766e",
    "#7c3aed",
    "#b91c1c",
    "#c2410c",
    "#15803d",
    "#be185d",
    "#4338ca",
    "#0e7490",
    "#a16207",
    "#475569",
    "#9333ea",
)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def initials_of(name: str) -> str:
    words = [word for word in name.replace("@", " ").replace(".", " ").split() if word]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def initials_avatar(name: str, key: str) -> ContentFile:
    """A square PNG with the person's initials on a colour chosen from `key` (stable per person)."""
    digest = hashlib.sha256(key.encode()).digest()
    colour = AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)]
    # RGBA, though opaque: the upload rules (`clean_avatar`) keep a picture with alpha a PNG.
    image = Image.new("RGBA", (AVATAR_SIZE, AVATAR_SIZE), colour)
    draw = ImageDraw.Draw(image)
    centre = AVATAR_SIZE / 2
    draw.text((centre, centre), initials_of(name), fill="white", font=_font(104), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name="avatar.png")
