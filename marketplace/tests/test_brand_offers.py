"""Sponsored offers from brands: only to fans who asked for them and allow `offers`, labelled
"Sponsored", one a week per brand, and gone with one click."""

from __future__ import annotations

import pytest
from django.urls import reverse

from config.errors import DomainError, NotAllowed
from marketplace.models import BrandOffer, Fan, OfferDismissal
from marketplace.services.brand_offers import (
    brand_offer_create,
    offer_dismiss,
    offers_for,
    offers_stop,
)
from marketplace.services.brands import fan_set
from marketplace.services.interests import interests_set
from privacy.purposes import Purpose
from privacy.services.consent import consent_grant, consent_withdraw
from tests.factories import make_product, person

pytestmark = pytest.mark.django_db


def asking(trek, name: str, *, consent: bool = True):
    someone = person(name)
    fan_set(member=someone, brand_id=trek.pk, offers=True)
    if consent:
        consent_grant(user=someone, purpose=Purpose.OFFERS)
    return someone


def test_an_offer_reaches_only_fans_who_asked_and_allow_offers(trek, mia):
    offer = brand_offer_create(
        manager=mia, brand_id=trek.pk, title="Free service", text="In May.", days=14
    )
    ada = asking(trek, "Ada Asked")
    no_consent = asking(trek, "Nils NoConsent", consent=False)
    fan_only = person("Fay FanOnly")
    fan_set(member=fan_only, brand_id=trek.pk)
    consent_grant(user=fan_only, purpose=Purpose.OFFERS)
    consenting_stranger = person("Sam Stranger")
    consent_grant(user=consenting_stranger, purpose=Purpose.OFFERS)
    assert offers_for(ada) == [offer]
    for someone in (no_consent, fan_only, consenting_stranger, mia, None):
        assert offers_for(someone) == []
    consent_withdraw(user=ada, purpose=Purpose.OFFERS)
    assert offers_for(ada) == []


def test_one_offer_a_week_only_from_managers(trek, mia):
    with pytest.raises(NotAllowed):
        brand_offer_create(manager=person("Sam"), brand_id=trek.pk, title="X", text="Y", days=3)
    with pytest.raises(DomainError):
        brand_offer_create(manager=mia, brand_id=trek.pk, title="", text="Y", days=3)
    with pytest.raises(DomainError):
        brand_offer_create(manager=mia, brand_id=trek.pk, title="X", text="Y", days=90)
    brand_offer_create(manager=mia, brand_id=trek.pk, title="X", text="Y", days=3)
    with pytest.raises(DomainError):
        brand_offer_create(manager=mia, brand_id=trek.pk, title="Again", text="Y", days=3)
    assert BrandOffer.objects.count() == 1


def test_not_interested_and_no_more_offers_are_one_click(client, trek, mia):
    offer = brand_offer_create(
        manager=mia, brand_id=trek.pk, title="Test ride", text="Sat.", days=7
    )
    ada = asking(trek, "Ada Asked")
    client.force_login(ada)
    feed = client.get(reverse("social:feed")).content.decode()
    assert "Sponsored" in feed and "Test ride" in feed
    response = client.post(reverse("marketplace:offer_dismiss", args=[offer.pk]))
    assert response.status_code == 302 and OfferDismissal.objects.filter(member=ada).exists()
    assert "Test ride" not in client.get(reverse("social:feed")).content.decode()
    offer_dismiss(member=ada, offer_id=offer.pk)  # twice: still one
    assert OfferDismissal.objects.count() == 1
    client.post(reverse("marketplace:brand_offers_stop", args=[trek.slug]))
    assert not Fan.objects.get(member=ada).offers
    offers_stop(member=ada, brand_id=trek.pk)


def test_the_manager_publishes_from_the_brand_page(client, trek, mia):
    client.force_login(mia)
    url = reverse("marketplace:brand_offer", args=[trek.slug])
    assert client.post(url, {"title": "Spring", "text": "10% off", "days": "7"}).status_code == 302
    again = client.post(url, {"title": "Again", "text": "More", "days": "7"})
    assert again.status_code == 400 and BrandOffer.objects.count() == 1
    client.force_login(person("Sam Stranger"))
    assert client.post(url, {"title": "Spam", "text": "x", "days": "7"}).status_code == 403


def test_an_offer_for_a_category_reaches_members_who_asked_about_it(trek, mia):
    bikes = make_product().category.root
    offer = brand_offer_create(
        manager=mia,
        brand_id=trek.pk,
        title="Bike week",
        text="Test rides.",
        days=7,
        category_id=make_product().category.pk,
    )
    rider = person("Rae Rider")
    consent_grant(user=rider, purpose=Purpose.OFFERS)
    assert offers_for(rider) == []
    interests_set(member=rider, purpose="insights", category_ids=[bikes.pk])  # feedback only
    assert offers_for(rider) == []
    interests_set(member=rider, purpose="offers", category_ids=[bikes.pk])
    assert offers_for(rider) == [offer]
    consent_withdraw(user=rider, purpose=Purpose.OFFERS)
    assert offers_for(rider) == []
