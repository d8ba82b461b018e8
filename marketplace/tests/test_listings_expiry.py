"""Listings on sale for more than 60 days expire, and their seller is told."""

from __future__ import annotations

from django.conf import settings

from marketplace.models import Listing
from marketplace.tasks import expire_listings
from social.models import Notification
from tests.factories import make_listing


def _status(listing: Listing) -> str:
    return Listing.objects.get(pk=listing.pk).status


def test_active_listings_older_than_60_days_expire_with_a_notice(owner, stranger):
    old = make_listing(owner, title="Old bike", published_days_ago=61)
    fresh = make_listing(owner, title="Fresh bike", published_days_ago=59)
    reserved = make_listing(
        stranger, title="Reserved bike", status="reserved", published_days_ago=90
    )
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
    make_listing(owner, published_days_ago=70)
    assert expire_listings() == 1
    assert expire_listings() == 0
    assert Notification.objects.filter(recipient=owner).count() == 1


def test_a_relisted_listing_gets_another_60_days(owner):
    from marketplace.services.listing_lifecycle import listing_relist

    listing = make_listing(owner, published_days_ago=70)
    expire_listings()
    listing.refresh_from_db()
    listing_relist(seller=owner, listing=listing)
    assert expire_listings() == 0
    assert _status(listing) == "active"


def test_the_expiry_runs_on_a_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "marketplace.expire_listings" in tasks
