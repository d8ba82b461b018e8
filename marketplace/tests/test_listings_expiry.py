"""Listings on sale for more than 60 days expire, and their seller is told."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from marketplace.models import Listing
from marketplace.tasks import expire_listings
from marketplace.tests.listing_factories import make_listing
from social.models import Notification


def _published(listing: Listing, days_ago: float) -> Listing:
    Listing.objects.filter(pk=listing.pk).update(
        published_at=timezone.now() - timedelta(days=days_ago)
    )
    return listing


def _status(listing: Listing) -> str:
    return Listing.objects.get(pk=listing.pk).status


def test_active_listings_older_than_60_days_expire_with_a_notice(owner, stranger):
    old = _published(make_listing(owner, title="Old bike"), 61)
    fresh = _published(make_listing(owner, title="Fresh bike"), 59)
    reserved = _published(make_listing(stranger, title="Reserved bike"), 90)
    Listing.objects.filter(pk=reserved.pk).update(status="reserved")
    draft = make_listing(owner, publish=False)

    assert expire_listings.delay().get() == 1

    assert _status(old) == "expired"
    assert (_status(fresh), _status(reserved), _status(draft)) == ("active", "reserved", "draft")
    notice = Notification.objects.get(recipient=owner)
    assert notice.kind == "listing_expired"
    assert "Old bike" in notice.text and "Relist" in notice.text
    assert notice.url == "/market/listings/mine/"
    assert not Notification.objects.filter(recipient=stranger).exists()


def test_running_the_expiry_twice_expires_and_tells_once(owner):
    _published(make_listing(owner), 70)
    assert expire_listings() == 1
    assert expire_listings() == 0
    assert Notification.objects.filter(recipient=owner).count() == 1


def test_a_relisted_listing_gets_another_60_days(owner):
    from marketplace.services.listing_lifecycle import listing_relist

    listing = _published(make_listing(owner), 70)
    expire_listings()
    listing.refresh_from_db()
    listing_relist(seller=owner, listing=listing)
    assert expire_listings() == 0
    assert _status(listing) == "active"


def test_the_expiry_runs_on_a_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "marketplace.expire_listings" in tasks
