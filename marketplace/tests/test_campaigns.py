"""Feedback campaigns: offered only to members who allow `insights` and asked the brand, answers
theirs to change and withdraw until the campaign closes, results as the same noisy totals for
the brand and its participants, nothing below the minimum."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from config.errors import DomainError, NotAllowed, NotFound
from marketplace.models import Campaign, CampaignEntry, CampaignFigure
from marketplace.services.brands import fan_set
from marketplace.services.campaigns import (
    access_campaign,
    campaign_answer,
    campaign_create,
    campaign_withdraw,
    offered_to,
    results,
)
from marketplace.services.interests import interests_set
from privacy.models import ErasureRequest
from privacy.purposes import Purpose
from privacy.releases import using_sampler
from privacy.services.consent import consent_withdraw
from privacy.services.erasure import erasure_request, purge_user
from privacy.services.exports import export_request
from tests.factories import make_product, person
from tests.factories.people import PASSWORD
from tests.factories.social import consent

pytestmark = pytest.mark.django_db


class NoNoise:
    """A sampler that adds nothing, so totals can be checked exactly."""

    def laplace(self, values, scale):
        return list(values)

    def above_threshold(self, counts, scale, threshold):
        return dict(counts)


@pytest.fixture
def no_noise():
    with using_sampler(NoNoise()) as sampler:
        yield sampler


def invited_fan(trek, name: str):
    someone = person(name)
    fan_set(member=someone, brand_id=trek.pk, campaigns=True)
    consent(someone, purpose=Purpose.INSIGHTS)
    return someone


def poll(trek, mia, **fields):
    values = {
        "kind": "poll",
        "title": "Next colour",
        "question": "Which colour for the next Marlin?",
        "choices": ["Green", "Orange", "Black"],
        "ends_at": timezone.now() + timedelta(days=14),
        **fields,
    }
    return campaign_create(manager=mia, brand_id=trek.pk, **values)


def test_only_managers_start_campaigns_and_bad_input_changes_nothing(trek, mia):
    stranger = person("Sam Stranger")
    with pytest.raises(NotAllowed):
        poll(trek, stranger)
    with pytest.raises(DomainError):
        poll(trek, mia, choices=["Only one"])
    with pytest.raises(DomainError):
        poll(trek, mia, ends_at=timezone.now() + timedelta(days=400))
    with pytest.raises(DomainError):
        poll(trek, mia, kind="concept")  # a concept has no choices
    assert not Campaign.objects.exists()
    assert [c.label for c in poll(trek, mia).choices.all()] == ["Green", "Orange", "Black"]


def test_a_campaign_is_offered_only_to_fans_who_asked_and_allow_insights(trek, mia):
    campaign = poll(trek, mia)
    asked = invited_fan(trek, "Ada Asked")
    no_insights = person("Nils NoInsights")
    fan_set(member=no_insights, brand_id=trek.pk, campaigns=True)
    not_asked = person("Fay FanOnly")
    fan_set(member=not_asked, brand_id=trek.pk)
    consent(not_asked, purpose=Purpose.INSIGHTS)
    stranger = person("Sam Stranger")
    assert offered_to(asked) == [campaign]
    for someone in (no_insights, not_asked, stranger, None):
        assert offered_to(someone) == []
        with pytest.raises(Http404):
            access_campaign(someone, campaign.pk)
        if someone is not None:
            with pytest.raises(NotFound):
                campaign_answer(member=someone, campaign_id=campaign.pk, choice_id=1)
    assert access_campaign(mia, campaign.pk).manager
    consent_withdraw(user=asked, purpose=Purpose.INSIGHTS)  # withdrawn: gone at once
    assert offered_to(asked) == []


def test_answers_change_and_withdraw_until_the_campaign_closes(trek, mia):
    campaign = poll(trek, mia)
    ada = invited_fan(trek, "Ada Asked")
    green, orange, _ = campaign.choices.all()
    campaign_answer(member=ada, campaign_id=campaign.pk, choice_id=green.pk)
    campaign_answer(member=ada, campaign_id=campaign.pk, choice_id=orange.pk)
    assert CampaignEntry.objects.get().choice == orange
    with pytest.raises(DomainError):
        campaign_answer(member=ada, campaign_id=campaign.pk, choice_id=999_999)
    campaign_withdraw(member=ada, campaign_id=campaign.pk)
    assert not CampaignEntry.objects.exists()
    campaign_answer(member=ada, campaign_id=campaign.pk, choice_id=green.pk)
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(DomainError):
        campaign_answer(member=ada, campaign_id=campaign.pk, choice_id=orange.pk)
    with pytest.raises(DomainError):
        campaign_withdraw(member=ada, campaign_id=campaign.pk)
    assert CampaignEntry.objects.get().choice == green


def test_results_are_nothing_below_the_minimum_then_the_same_totals_for_all(trek, mia, no_noise):
    campaign = poll(trek, mia)
    Campaign.objects.filter(pk=campaign.pk).update(min_participants=5)
    campaign.refresh_from_db()
    green, orange, black = campaign.choices.all()
    fans = [invited_fan(trek, f"Fan {n}") for n in range(6)]
    for fan in fans[:4]:
        campaign_answer(member=fan, campaign_id=campaign.pk, choice_id=green.pk)
    assert not results(campaign).enough  # 4 < 5: nothing, for the brand too
    CampaignFigure.objects.all().delete()  # the day's figure, drawn again for the test
    for fan in fans[4:]:
        campaign_answer(member=fan, campaign_id=campaign.pk, choice_id=orange.pk)
    shown = results(campaign)
    assert shown.enough and shown.participants == 6
    assert shown.answers == (("Green", 4, 67), ("Orange", 2, 33), ("Black", 0, 0))
    assert sum(count for _, count in shown.by_day) == 6
    campaign_withdraw(member=fans[0], campaign_id=campaign.pk)
    assert results(campaign) == shown  # drawn once a day: the same for everyone today


def test_a_concept_is_rated_in_stars(trek, mia, no_noise):
    concept = campaign_create(
        manager=mia,
        brand_id=trek.pk,
        kind="concept",
        title="A folding e-bike",
        question="Would you ride it?",
        ends_at=timezone.now() + timedelta(days=7),
    )
    Campaign.objects.filter(pk=concept.pk).update(min_participants=5)
    concept.refresh_from_db()
    for n, stars in enumerate((5, 4, 4, 3, 5)):
        campaign_answer(member=invited_fan(trek, f"Fan {n}"), campaign_id=concept.pk, rating=stars)
    with pytest.raises(DomainError):
        campaign_answer(member=invited_fan(trek, "Fan X"), campaign_id=concept.pk, rating=9)
    shown = results(concept)
    assert shown.enough and shown.average == 4.2


def test_the_pages(client, trek, mia):
    campaign = poll(trek, mia)
    ada = invited_fan(trek, "Ada Asked")
    client.force_login(ada)
    assert campaign.title in client.get(reverse("marketplace:campaigns")).content.decode()
    page = client.get(reverse("marketplace:campaign", args=[campaign.pk])).content.decode()
    assert "Take part" in page and "Answer to see the results" in page
    green = campaign.choices.first()
    answer = reverse("marketplace:campaign_answer", args=[campaign.pk])
    assert client.post(answer, {"choice": green.pk}).status_code == 302
    page = client.get(reverse("marketplace:campaign", args=[campaign.pk])).content.decode()
    assert "Results appear once about 10 people have answered" in page
    client.force_login(person("Sam Stranger"))
    assert client.get(reverse("marketplace:campaign", args=[campaign.pk])).status_code == 404
    client.force_login(mia)
    new = reverse("marketplace:campaign_new", args=[trek.slug])
    assert client.get(new).status_code == 200
    bad = client.post(
        new, {"kind": "poll", "title": "T", "question": "Q", "choices": "x", "days": 7}
    )
    assert bad.status_code == 400 and Campaign.objects.count() == 1


def test_answers_are_in_the_export_and_go_with_the_account(
    trek, mia, django_capture_on_commit_callbacks
):
    campaign = poll(trek, mia)
    ada = invited_fan(trek, "Ada Asked")
    campaign_answer(member=ada, campaign_id=campaign.pk, choice_id=campaign.choices.first().pk)
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=ada)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    answers = json.loads(archive.read("marketplace_feedback_answers.json"))
    assert [(a["campaign"], a["answer"]) for a in answers] == [("Next colour", "Green")]
    fandom = json.loads(archive.read("marketplace_fan_of.json"))
    assert fandom[0]["asked_for_feedback_requests"] is True
    erasure = erasure_request(user=ada, password=PASSWORD)
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        purge_after=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        purge_user(erasure)
    assert not CampaignEntry.objects.exists()
    assert Campaign.objects.get().created_by == mia


def test_an_idea_board_shows_ideas_without_names_once_enough_took_part(trek, mia, no_noise):
    board = campaign_create(
        manager=mia,
        brand_id=trek.pk,
        kind="ideas",
        title="Your dream commuter",
        question="What would make your commute better?",
        ends_at=timezone.now() + timedelta(days=7),
    )
    Campaign.objects.filter(pk=board.pk).update(min_participants=5)
    board.refresh_from_db()
    fans = [invited_fan(trek, f"Fan {n}") for n in range(5)]
    for n, fan in enumerate(fans):
        campaign_answer(member=fan, campaign_id=board.pk, idea=f"IDEA {n}")
    with pytest.raises(DomainError):
        campaign_answer(member=fans[0], campaign_id=board.pk, idea="  ")
    shown = results(board)
    assert shown.enough and shown.participants == 5
    assert sorted(shown.ideas) == [f"IDEA {n}" for n in range(5)]
    assert not any("Fan" in idea for idea in shown.ideas)
    campaign_withdraw(member=fans[0], campaign_id=board.pk)
    assert "IDEA 0" not in results(board).ideas  # a withdrawn idea is gone at once


def test_a_campaign_for_a_category_reaches_members_who_asked_about_it(trek, mia):
    bikes = make_product().category.root
    campaign = poll(trek, mia, category_id=make_product().category.pk)
    cyclist = person("Cy Cyclist")
    consent(cyclist, purpose=Purpose.INSIGHTS)
    assert offered_to(cyclist) == []
    interests_set(
        member=cyclist, purpose="insights", category_ids=[bikes.pk]
    )  # a category above it
    assert offered_to(cyclist) == [campaign]
    with pytest.raises(DomainError):
        interests_set(member=cyclist, purpose="insights", category_ids=[999_999])
    assert offered_to(cyclist) == [campaign]  # the refused change changed nothing
    interests_set(member=cyclist, purpose="insights", category_ids=[])
    assert offered_to(cyclist) == []
    silent = person("No Insights")
    interests_set(member=silent, purpose="insights", category_ids=[bikes.pk])
    assert offered_to(silent) == []  # without insights, nothing
    with pytest.raises(DomainError):
        poll(trek, mia, category_id="x")
