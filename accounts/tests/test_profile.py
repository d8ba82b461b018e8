"""The profile form: friendly errors for bad photos and long bios, clean photos, rounded homes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from accounts.models import Interest, Profile
from accounts.tests.conftest import huge_png_upload, jpeg_with_exif_upload, png_upload, text_upload

pytestmark = pytest.mark.django_db

URL = "/profile/"


def form_data(**changes) -> dict:
    data = {
        "display_name": "Olivia Owner",
        "bio": "",
        "home_place": "",
        "home_latitude": "",
        "home_longitude": "",
    }
    data.update(changes)
    return data


def test_the_profile_page_lives_at_profile():
    assert reverse("profile_edit") == URL


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_saves_their_profile(client_for, owner):
    biking, _ = Interest.objects.get_or_create(
        slug="mountain-biking", defaults={"name": "Mountain biking"}
    )
    response = client_for(owner).post(
        URL,
        form_data(
            display_name="Liv",
            bio="I fix bikes.",
            home_place="Lyon",
            home_latitude="45.764043",
            home_longitude="4.835659",
            interests=[biking.pk],
        ),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert (profile.display_name, profile.bio, profile.home_place) == (
        "Liv",
        "I fix bikes.",
        "Lyon",
    )
    assert list(profile.interests.all()) == [biking]


def test_home_coordinates_are_stored_rounded_to_two_decimals(client_for, owner):
    client_for(owner).post(URL, form_data(home_latitude="48.8566134", home_longitude="2.3522219"))
    stored = Profile.objects.filter(user=owner).values_list("home_latitude", "home_longitude")
    assert stored.get() == (Decimal("48.86"), Decimal("2.35"))


def test_half_a_home_point_is_refused(client_for, owner):
    response = client_for(owner).post(URL, form_data(home_latitude="48.85"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Profile.objects.get(user=owner).home_latitude is None


def test_a_bio_over_500_characters_is_a_form_error(client_for, owner):
    response = client_for(owner).post(URL, form_data(bio="x" * 501))
    assert response.status_code == 200
    assert "bio" in response.context["form"].errors
    assert Profile.objects.get(user=owner).bio == ""


def test_a_bio_of_500_characters_is_fine(client_for, owner):
    response = client_for(owner).post(URL, form_data(bio="x" * 500))
    assert response.status_code == 302
    assert len(Profile.objects.get(user=owner).bio) == 500


def test_a_file_that_is_not_a_picture_is_a_clear_avatar_error(client_for, owner):
    response = client_for(owner).post(URL, form_data(avatar=text_upload()))
    assert response.status_code == 200
    errors = response.context["form"].errors["avatar"]
    assert "not a picture" in errors[0]
    assert not Profile.objects.get(user=owner).avatar


def test_a_50_megapixel_picture_is_refused_and_nothing_is_saved(client_for, owner):
    response = client_for(owner).post(
        URL, form_data(display_name="Changed", avatar=huge_png_upload())
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["avatar"]
    assert "megapixels" in errors[0]
    profile = Profile.objects.get(user=owner)
    assert not profile.avatar
    assert profile.display_name == "Olivia Owner"


def test_an_uploaded_avatar_is_stored_without_its_exif(client_for, owner):
    response = client_for(owner).post(URL, form_data(avatar=jpeg_with_exif_upload()))
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    with Image.open(profile.avatar.path) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info
        # The orientation tag was applied to the pixels before it was dropped: upright now.
        assert stored.size == (20, 40)


def test_a_png_avatar_is_kept(client_for, owner):
    client_for(owner).post(URL, form_data(avatar=png_upload()))
    profile = Profile.objects.get(user=owner)
    assert profile.avatar.name.startswith(f"avatars/{owner.pk}/")
    with Image.open(profile.avatar.path) as stored:
        assert stored.size == (40, 30)


def test_a_member_removes_their_avatar_and_the_file_goes_too(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    client.post(URL, form_data(avatar=png_upload()))
    old_path = Path(Profile.objects.get(user=owner).avatar.path)
    assert old_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data(remove_avatar="on"))
    assert not Profile.objects.get(user=owner).avatar
    assert not old_path.exists()
