"""GET/PATCH /api/me/ and PUT/DELETE /api/me/avatar/: the same rules as the form, as JSON."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import Interest, Profile
from accounts.tests.conftest import huge_png_upload, jpeg_with_exif_upload, png_upload, text_upload

pytestmark = pytest.mark.django_db

ME = "/api/me/"
AVATAR = "/api/me/avatar/"


def test_the_urls_are_named():
    assert reverse("api-me") == ME
    assert reverse("api-me-avatar") == AVATAR


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", ME), ("patch", ME), ("put", AVATAR), ("delete", AVATAR)],
)
def test_anonymous_clients_are_refused_with_the_error_body(method, url):
    response = getattr(APIClient(), method)(url)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_member_reads_their_own_account(api_client_for, owner):
    response = api_client_for(owner).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == owner.pk
    assert body["email"] == owner.email
    assert body["display_name"] == "Olivia Owner"
    assert body["avatar"] is None


def test_a_member_updates_their_profile(api_client_for, owner):
    Interest.objects.get_or_create(slug="cooking", defaults={"name": "Cooking"})
    response = api_client_for(owner).patch(
        ME, {"display_name": "Liv", "bio": "Hello", "interests": ["cooking"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Liv"
    assert response.json()["interests"] == ["cooking"]
    assert Profile.objects.get(user=owner).bio == "Hello"


def test_the_email_cannot_be_changed_here(api_client_for, owner):
    api_client_for(owner).patch(ME, {"email": "other@example.com"}, format="json")
    owner.refresh_from_db()
    assert owner.email == "olivia.owner@example.com"


def test_coordinates_are_stored_rounded_to_two_decimals(api_client_for, owner):
    response = api_client_for(owner).patch(
        ME, {"home_latitude": 48.8566134, "home_longitude": 2.3522219}, format="json"
    )
    assert response.status_code == 200
    assert Decimal(response.json()["home_latitude"]) == Decimal("48.86")
    stored = Profile.objects.filter(user=owner).values_list("home_latitude", "home_longitude")
    assert stored.get() == (Decimal("48.86"), Decimal("2.35"))


def test_half_a_home_point_is_refused(api_client_for, owner):
    response = api_client_for(owner).patch(ME, {"home_latitude": 48.85}, format="json")
    assert response.status_code == 400
    assert "both" in response.json()["error"]["message"]


def test_a_latitude_out_of_range_names_the_field(api_client_for, owner):
    response = api_client_for(owner).patch(
        ME, {"home_latitude": 91, "home_longitude": 0}, format="json"
    )
    assert response.status_code == 400
    assert "home_latitude" in response.json()["error"]["fields"]


def test_a_bio_over_500_characters_is_refused_with_the_field_named(api_client_for, owner):
    response = api_client_for(owner).patch(ME, {"bio": "x" * 501}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "bio" in error["fields"]
    assert Profile.objects.get(user=owner).bio == ""


def test_a_file_that_is_not_a_picture_is_refused_with_the_field_named(api_client_for, owner):
    response = api_client_for(owner).put(AVATAR, {"avatar": text_upload()}, format="multipart")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "not a picture" in fields["avatar"][0]
    assert not Profile.objects.get(user=owner).avatar


def test_a_50_megapixel_picture_is_refused_and_nothing_is_saved(api_client_for, owner):
    response = api_client_for(owner).put(AVATAR, {"avatar": huge_png_upload()}, format="multipart")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "megapixels" in fields["avatar"][0]
    assert not Profile.objects.get(user=owner).avatar


def test_an_uploaded_avatar_is_stored_without_its_exif(api_client_for, owner):
    response = api_client_for(owner).put(
        AVATAR, {"avatar": jpeg_with_exif_upload()}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["avatar"]
    profile = Profile.objects.get(user=owner)
    with Image.open(profile.avatar.path) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert stored.size == (20, 40)


def test_a_member_removes_their_avatar(api_client_for, owner):
    api = api_client_for(owner)
    api.put(AVATAR, {"avatar": png_upload()}, format="multipart")
    assert Profile.objects.get(user=owner).avatar
    response = api.delete(AVATAR)
    assert response.status_code == 200
    assert response.json()["avatar"] is None
    assert not Profile.objects.get(user=owner).avatar
