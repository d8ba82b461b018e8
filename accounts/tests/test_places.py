"""Places by town name: the gazetteer (prefix, accents, ranking, reverse lookup), the lookups a
place field asks, the field itself, and home set by name through the service and the API."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Profile
from accounts.places import place_named
from accounts.places.fields import PlaceField
from accounts.places.gazetteer import Gazetteer, fold, gazetteer, read_towns
from config.errors import DomainError
from tests.factories import LYON, with_home

pytestmark = pytest.mark.django_db

UNKNOWN = "We don't know a town called “Xyzzy”. Try a nearby town's name."


def labels(places) -> list[str]:
    return [place.label for place in places]


# --- The gazetteer ---------------------------------------------------------------------------


def test_names_fold_without_accents_case_or_punctuation():
    assert fold("  Saint-Étienne ") == fold("saint etienne") == "saint etienne"
    assert fold("ÉCULLY") == "ecully"


def test_a_prefix_suggests_the_town_most_people_mean_first():
    assert labels(gazetteer().suggest("Lyo"))[0] == "Lyon, France"
    assert labels(gazetteer().suggest("villeur")) == ["Villeurbanne, France"]
    london = labels(gazetteer().suggest("london"))
    assert london[:2] == ["London, United Kingdom", "London, Canada"]


def test_suggestions_ignore_accents_and_case():
    assert labels(gazetteer().suggest("ECULLY")) == ["Écully, France"]
    assert labels(gazetteer().suggest("saint etienne"))[0] == "Saint-Étienne, France"


def test_a_country_after_a_comma_narrows_the_suggestions():
    assert labels(gazetteer().suggest("London, Ca")) == ["London, Canada"]


def test_suggestions_are_bounded_and_need_two_letters():
    assert gazetteer().suggest("L") == []
    assert len(gazetteer().suggest("Sa")) == 8
    assert len(gazetteer().suggest("Sa", limit=3)) == 3


def test_a_town_is_found_by_its_label_its_name_or_its_name_and_country_code():
    lyon = gazetteer().find("Lyon, France")
    assert lyon is not None
    assert (lyon.name, lyon.country_code, lyon.latitude, lyon.longitude) == (
        "Lyon",
        "FR",
        Decimal("45.75"),
        Decimal("4.85"),
    )
    assert gazetteer().find("lyon") == lyon
    assert gazetteer().find("London, CA") == gazetteer().find("London, Canada")
    assert gazetteer().find("London") == gazetteer().find("London, United Kingdom")


def test_a_smaller_town_of_the_same_name_is_told_apart_by_its_region():
    kentucky = gazetteer().find("London (KY), United States")
    assert kentucky is not None and kentucky.country_code == "US"
    assert gazetteer().find("London (ZZ), United States") is None


def test_an_unknown_name_or_a_mere_prefix_finds_no_town():
    assert gazetteer().find("Xyzzy") is None
    assert gazetteer().find("villeur") is None
    assert gazetteer().find("Lyon,") is None


def test_the_nearest_town_is_found_from_a_point():
    assert gazetteer().nearest(45.7665, 4.8795).label == "Villeurbanne, France"
    assert gazetteer().nearest(45.758, 4.832).name.startswith("Lyon")
    assert gazetteer().nearest(51.2, 2.95) is not None  # across a one-degree cell's edge


def test_no_town_is_near_the_middle_of_an_ocean():
    assert gazetteer().nearest(0, -30) is None


def test_the_gazetteer_reads_the_file_as_gazetteer_build_writes_it(tmp_path: Path):
    towns = tmp_path / "towns.tsv"
    towns.write_text(
        "aix\tAix\t\tFrance\tFR\t43.53\t5.45\t150000\n"
        "aix\tAix\t93\tFrance\tFR\t43.50\t5.40\t6000\n"
        "aixe\tAixe\t\tFrance\tFR\t45.80\t1.13\t5500\n",
        encoding="utf-8",
    )
    small = read_towns(towns)
    assert isinstance(small, Gazetteer)
    assert labels(small.suggest("ai")) == ["Aix, France", "Aix (93), France", "Aixe, France"]
    assert labels(small.suggest("aix")) == ["Aix, France", "Aix (93), France", "Aixe, France"]
    smaller = small.find("Aix (93), France")
    assert smaller is not None and smaller.latitude == Decimal("43.50")


# --- The rule services apply -------------------------------------------------------------------


def test_a_name_the_gazetteer_does_not_know_is_refused_on_the_field_given():
    with pytest.raises(DomainError) as refused:
        place_named("Xyzzy", field="home_place")
    assert (refused.value.message, refused.value.field) == (UNKNOWN, "home_place")


def test_home_by_name_stores_the_label_and_the_towns_rounded_point(owner):
    services.profile_update(user=owner, home_place="london")
    profile = Profile.objects.get(user=owner)
    assert (profile.home_place, profile.home_latitude, profile.home_longitude) == (
        "London, United Kingdom",
        Decimal("51.51"),
        Decimal("-0.13"),
    )


def test_half_a_home_point_is_a_refusal_on_its_field_never_a_constraint_text(owner):
    with_home(owner, LYON, place="Lyon, France")
    with pytest.raises(DomainError) as refused:
        services.profile_update(user=owner, home_latitude=None)
    assert refused.value.field == "home_latitude"
    assert "Constraint" not in refused.value.message
    assert Profile.objects.get(user=owner).home_latitude is not None


def test_the_api_sets_home_by_name_and_refuses_an_unknown_town(api_client_for, owner):
    client = api_client_for(owner)
    response = client.patch("/api/me/", {"home_place": "Xyzzy"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["home_place"] == [UNKNOWN]
    assert Profile.objects.get(user=owner).home_place == ""
    response = client.patch("/api/me/", {"home_place": "Villeurbanne"}, format="json")
    assert response.status_code == 200
    assert response.json()["home_place"] == "Villeurbanne, France"


# --- The lookups a place field asks ------------------------------------------------------------


def test_suggestions_answer_town_labels(client_for, owner):
    response = client_for(owner).get("/places/", {"q": "Lyo"})
    assert response.status_code == 200
    assert response.json()["places"][0] == "Lyon, France"
    assert len(response.json()["places"]) <= 8


def test_a_query_too_long_is_a_400_with_a_sentence(client_for, owner):
    response = client_for(owner).get("/places/", {"q": "x" * 121})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Type at most 120 characters")


def test_the_nearest_town_is_answered_by_name_only(client_for, owner):
    point = {"latitude": "45.767", "longitude": "4.88"}
    response = client_for(owner).get("/places/nearest/", point)
    assert response.json() == {"place": "Villeurbanne, France"}


@pytest.mark.parametrize(
    "point",
    [
        {"latitude": "north", "longitude": "4.8"},
        {"latitude": "45.7"},
        {"latitude": "91", "longitude": "0"},
        {"latitude": "nan", "longitude": "0"},
    ],
)
def test_a_point_that_is_not_one_is_a_400_with_a_sentence(client_for, owner, point):
    response = client_for(owner).get("/places/nearest/", point)
    assert response.status_code == 400
    assert response.json()["error"]["message"].endswith(".")


def test_a_point_far_from_any_town_says_to_type_the_name(client_for, owner):
    response = client_for(owner).get("/places/nearest/", {"latitude": "0", "longitude": "-30"})
    assert response.status_code == 404
    assert "Type your town's name" in response.json()["error"]["message"]


def test_visitors_are_sent_to_sign_in(client):
    assert client.get("/places/", {"q": "Lyo"}).status_code == 302


# --- The field ---------------------------------------------------------------------------------


class HomeForm(forms.Form):
    home = PlaceField(label="Home town", required=False)


def test_the_field_renders_a_text_input_with_its_suggestion_list_and_the_location_button():
    html = str(HomeForm(initial={"home": "Lyon, France"})["home"])
    assert 'list="id_home-towns"' in html and '<datalist id="id_home-towns">' in html
    assert 'value="Lyon, France"' in html and 'autocomplete="off"' in html
    assert 'data-suggest-url="/places/"' in html and 'data-nearest-url="/places/nearest/"' in html
    assert "Use my location" in html and "hidden" in html  # shown by places.js where it works


def test_the_field_keeps_the_name_as_typed_for_the_service_to_find():
    form = HomeForm({"home": "  Lyon, France "})
    assert form.is_valid()
    assert form.cleaned_data["home"] == "Lyon, France"
    assert not HomeForm({"home": "x" * 121}).is_valid()


def test_a_half_point_written_past_the_service_names_the_rule_not_the_constraint(owner):
    """The admin's form validates the model as it is: its message is a sentence too."""
    profile = Profile.objects.get(user=owner)
    profile.home_latitude = Decimal("45.76")
    with pytest.raises(ValidationError) as refused:
        profile.full_clean(exclude=["user", "avatar"])
    assert refused.value.messages == [
        "Give both the latitude and the longitude of home, or neither."
    ]
