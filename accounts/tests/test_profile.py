"""The profile form: friendly errors for bad photos and long bios, clean photos, home by a
town's name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from accounts.models import Interest, Profile
from accounts.tests.conftest import huge_png_upload, jpeg_with_exif_upload, png_upload, text_upload
from tests.factories import LYON, with_home

pytestmark = pytest.mark.django_db

URL = "/profile/"


def form_data(**changes) -> dict:
    data = {
        "display_name": "Olivia Owner",
        "bio": "",
        "home_place": "",
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
            home_place="Lyon, France",
            interests=[biking.pk],
        ),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert (profile.display_name, profile.bio, profile.home_place) == (
        "Liv",
        "I fix bikes.",
        "Lyon, France",
    )
    assert list(profile.interests.all()) == [biking]


def test_home_is_chosen_by_a_towns_name_and_stored_as_its_rounded_point(client_for, owner):
    response = client_for(owner).post(URL, form_data(home_place="villeurbanne"))
    assert response.status_code == 302
    stored = Profile.objects.filter(user=owner).values_list(
        "home_place", "home_latitude", "home_longitude"
    )
    assert stored.get() == ("Villeurbanne, France", Decimal("45.77"), Decimal("4.88"))


def test_an_unknown_town_is_refused_on_its_field_and_changes_nothing(client_for, owner):
    with_home(owner, LYON, place="Lyon, France")
    response = client_for(owner).post(URL, form_data(display_name="Changed", home_place="Xyzzy"))
    assert response.status_code == 400
    assert response.context["form"].errors["home_place"] == [
        "We don't know a town called “Xyzzy”. Try a nearby town's name."
    ]
    assert "Try a nearby town" in response.content.decode()
    profile = Profile.objects.get(user=owner)
    assert (profile.display_name, profile.home_place, profile.home_latitude) == (
        "Olivia Owner",
        "Lyon, France",
        Decimal(LYON[0]).quantize(Decimal("0.01")),
    )


def test_coordinates_posted_to_the_form_are_not_taken(client_for, owner):
    response = client_for(owner).post(URL, form_data(home_latitude="48.85", home_longitude="2.35"))
    assert response.status_code == 302
    assert Profile.objects.get(user=owner).home_latitude is None


def test_a_blank_town_clears_home(client_for, owner):
    with_home(owner, LYON, place="Lyon, France")
    client_for(owner).post(URL, form_data(home_place=""))
    profile = Profile.objects.get(user=owner)
    assert (profile.home_place, profile.has_home) == ("", False)


def test_a_home_name_sent_back_unchanged_keeps_its_point(client_for, owner):
    """A home set through the API has its own point and any name: saving the form again,
    name untouched, neither refuses the name nor moves the point."""
    with_home(owner, ("45.78", "4.81"), place="Croix-Rousse")
    response = client_for(owner).post(URL, form_data(bio="New bio", home_place="Croix-Rousse"))
    assert response.status_code == 302
    stored = Profile.objects.filter(user=owner).values_list("home_latitude", "home_longitude")
    assert stored.get() == (Decimal("45.78"), Decimal("4.81"))


def test_the_form_shows_the_town_input_and_never_coordinates(client_for, owner):
    with_home(owner, LYON, place="Lyon, France")
    page = client_for(owner).get(URL).content.decode()
    assert 'value="Lyon, France"' in page and "data-place-input" in page
    assert "Use my location" in page
    assert "45.7" not in page and "latitude" not in page.lower()


def test_a_bio_over_500_characters_is_a_form_error(client_for, owner):
    response = client_for(owner).post(URL, form_data(bio="x" * 501))
    assert response.status_code == 400
    assert "bio" in response.context["form"].errors
    assert Profile.objects.get(user=owner).bio == ""


def test_a_bio_of_500_characters_is_fine(client_for, owner):
    response = client_for(owner).post(URL, form_data(bio="x" * 500))
    assert response.status_code == 302
    assert len(Profile.objects.get(user=owner).bio) == 500


def test_a_file_that_is_not_a_picture_is_a_clear_avatar_error(client_for, owner):
    response = client_for(owner).post(URL, form_data(avatar=text_upload()))
    assert response.status_code == 400
    errors = response.context["form"].errors["avatar"]
    assert "not a picture" in errors[0]
    assert not Profile.objects.get(user=owner).avatar


def test_a_50_megapixel_picture_is_refused_and_nothing_is_saved(client_for, owner):
    response = client_for(owner).post(
        URL, form_data(display_name="Changed", avatar=huge_png_upload())
    )
    assert response.status_code == 400
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
