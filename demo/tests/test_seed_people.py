from __future__ import annotations

import io
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from accounts.models import Profile, User
from accounts.places import gazetteer
from demo import people as demo


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_accounts():
    return User.objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")


def snapshot() -> dict:
    profiles = Profile.objects.filter(user__in=demo_accounts())
    return {
        "emails": sorted(demo_accounts().values_list("email", flat=True)),
        "profiles": profiles.count(),
        "interests": Profile.interests.through.objects.filter(profile__in=profiles).count(),
        "addresses": EmailAddress.objects.filter(user__in=demo_accounts()).count(),
        "avatars": sorted(profiles.values_list("avatar", flat=True)),
        "places": sorted(profiles.values_list("home_place", "home_latitude", "home_longitude")),
    }


def test_the_roster_is_sixty_distinct_people_with_anna_and_ben():
    people = demo.roster()
    assert len(people) == 60
    assert len({p.email for p in people}) == 60
    assert len({p.display_name for p in people}) == 60
    assert {demo.ANNA.email, demo.BEN.email} <= {p.email for p in people}
    assert all(p.email.endswith("@demo.bazaar.test") for p in people)
    for region in demo.REGIONS:
        assert sum(p.region == region.slug for p in people) == demo.PEOPLE_PER_REGION


@pytest.mark.django_db
def test_it_builds_a_community_of_complete_profiles_in_three_regions():
    output = seed()

    assert "60 people in 3 regions" in output
    people = {p.email: p for p in demo.roster()}
    members = demo_accounts().filter(is_staff=False)
    assert members.count() == 60
    assert set(members.values_list("email", flat=True)) == set(people)
    for profile in (
        Profile.objects.filter(user__in=members)
        .select_related("user")
        .prefetch_related("interests")
    ):
        region = demo.region_of(people[profile.user.email])
        assert profile.display_name
        assert profile.bio and len(profile.bio) <= Profile.BIO_MAX_LENGTH
        assert gazetteer().find(profile.home_place), profile.home_place  # a town by its name
        assert region.contains(profile.home_latitude, profile.home_longitude), profile.home_place
        assert profile.home_latitude == profile.home_latitude.quantize(Decimal("0.01"))
        assert 2 <= len(profile.interests.all()) <= 5
        with profile.avatar.open("rb") as picture, Image.open(picture) as image:
            assert image.format == "PNG"
            assert image.size == (256, 256)
    assert EmailAddress.objects.filter(
        user__in=demo_accounts(), verified=True, primary=True
    ).count() == len(demo.everyone())


@pytest.mark.django_db
def test_the_demo_logins_sign_in_through_the_login_page_with_their_roles(client, settings):
    seed()

    for email, _ in demo.DEMO_LOGINS:
        response = client.post(
            reverse("account_login"), {"login": email, "password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        assert response["Location"] == reverse("home")
        assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)
        client.logout()
    moderator = User.objects.get(email="moderator@demo.bazaar.test")
    admin = User.objects.get(email="admin@demo.bazaar.test")
    assert moderator.is_staff and not moderator.is_superuser
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(email="anna@demo.bazaar.test").is_staff


@pytest.mark.django_db
def test_running_it_twice_gives_the_same_people_and_nothing_twice():
    seed()
    first = snapshot()

    output = seed()

    assert snapshot() == first
    assert "0 accounts new, 62 already there" in output
    assert "Avatars: 0 drawn, 62 kept" in output


@pytest.mark.django_db
def test_running_it_again_keeps_edits_and_completes_what_is_missing():
    seed()
    anna = Profile.objects.get(user__email="anna@demo.bazaar.test")
    anna.bio = "Edited during the demo."
    anna.save()
    ben = Profile.objects.get(user__email="ben@demo.bazaar.test")
    ben.avatar.delete(save=True)
    ben.interests.clear()

    output = seed()

    anna.refresh_from_db()
    ben.refresh_from_db()
    assert anna.bio == "Edited during the demo."
    assert ben.avatar and ben.avatar.storage.exists(ben.avatar.name)
    assert set(ben.interests.values_list("slug", flat=True)) == set(demo.BEN.interests)
    assert "Avatars: 1 drawn, 61 kept" in output


@pytest.mark.django_db
def test_it_refuses_to_run_in_production(settings):
    settings.DJANGO_ENV = "production"

    with pytest.raises(CommandError, match="DJANGO_ENV=production"):
        seed()

    assert not demo_accounts().exists()


@pytest.mark.django_db
def test_force_seeds_even_in_production(settings):
    settings.DJANGO_ENV = "production"

    seed("--force")

    assert demo_accounts().count() == 62


def test_demo_logins_prints_the_logins_the_seed_makes(settings):
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert settings.DEMO_PASSWORD in out.getvalue()
    for email, _ in demo.DEMO_LOGINS:
        assert email in out.getvalue()
