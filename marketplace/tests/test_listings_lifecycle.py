"""A listing's status moves only as `TRANSITIONS` lists, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import Conflict, DomainError, NotAllowed
from marketplace.models import Listing
from marketplace.services import listing_lifecycle
from marketplace.services.listing_lifecycle import TRANSITIONS, listing_transition
from tests.factories import make_listing

Status = Listing.Status


def _at(listing: Listing, status: str) -> Listing:
    Listing.objects.filter(pk=listing.pk).update(status=status)
    listing.refresh_from_db()
    return listing


def test_a_new_listing_is_a_draft_unless_published(owner):
    assert make_listing(owner, publish=False).status == Status.DRAFT
    published = make_listing(owner)
    assert published.status == Status.ACTIVE
    assert published.published_at is not None


@pytest.mark.parametrize(
    ("start", "to"),
    [(start, to) for start, allowed in TRANSITIONS.items() for to in allowed],
)
def test_every_listed_transition_is_allowed(owner, start, to):
    listing = _at(make_listing(owner, publish=False), start)
    listing_transition(listing, to)
    listing.refresh_from_db()
    assert listing.status == to


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (start, to)
        for start in Status.values
        for to in Status.values
        if to not in TRANSITIONS[start] and to != start
    ],
)
def test_every_other_transition_is_refused_and_changes_nothing(owner, start, to):
    listing = _at(make_listing(owner, publish=False), start)
    with pytest.raises(Conflict) as refused:
        listing_transition(listing, to)
    assert refused.value.code == "illegal_transition"
    listing.refresh_from_db()
    assert listing.status == start


def test_a_sold_listing_cant_be_withdrawn(owner):
    listing = _at(make_listing(owner), Status.SOLD)
    with pytest.raises(DomainError, match="A sold listing can't be withdrawn."):
        listing_lifecycle.listing_withdraw(seller=owner, listing=listing)
    listing.refresh_from_db()
    assert listing.status == Status.SOLD


def test_the_transition_reads_the_locked_row_not_a_stale_object(owner):
    listing = make_listing(owner)
    stale = Listing.objects.get(pk=listing.pk)
    listing_lifecycle.listing_mark_reserved(listing)
    listing_lifecycle.listing_mark_sold(listing)
    with pytest.raises(Conflict, match="A sold listing can't be withdrawn."):
        listing_transition(stale, Status.WITHDRAWN)


def test_moving_to_the_same_status_is_refused(owner):
    listing = make_listing(owner)
    with pytest.raises(Conflict, match="already active"):
        listing_transition(listing, Status.ACTIVE)


def test_an_unknown_status_is_refused(owner):
    listing = make_listing(owner)
    with pytest.raises(DomainError, match="Unknown listing status"):
        listing_transition(listing, "gone")


def test_selling_stamps_sold_at_and_unreserving_keeps_published_at(owner):
    listing = make_listing(owner)
    published_at = listing.published_at
    listing_lifecycle.listing_mark_reserved(listing)
    listing_lifecycle.listing_unreserve(listing)
    listing.refresh_from_db()
    assert listing.published_at == published_at
    listing_lifecycle.listing_mark_reserved(listing)
    listing_lifecycle.listing_mark_sold(listing)
    listing.refresh_from_db()
    assert listing.status == Status.SOLD
    assert listing.sold_at is not None


def test_the_seller_publishes_withdraws_and_relists(owner):
    listing = make_listing(owner, publish=False)
    listing_lifecycle.listing_publish(seller=owner, listing=listing)
    listing_lifecycle.listing_withdraw(seller=owner, listing=listing)
    old = timezone.now() - timedelta(days=90)
    Listing.objects.filter(pk=listing.pk).update(published_at=old)
    listing.refresh_from_db()
    listing_lifecycle.listing_relist(seller=owner, listing=listing)
    listing.refresh_from_db()
    assert listing.status == Status.ACTIVE
    assert listing.published_at > old


def test_publishing_twice_or_relisting_an_active_listing_is_refused(owner):
    listing = make_listing(owner)
    with pytest.raises(Conflict, match="An active listing can't be published"):
        listing_lifecycle.listing_publish(seller=owner, listing=listing)
    with pytest.raises(Conflict, match="An active listing can't be relisted"):
        listing_lifecycle.listing_relist(seller=owner, listing=listing)


def test_only_the_seller_moves_their_listing(owner, stranger):
    listing = make_listing(owner)
    for action in listing_lifecycle.SELLER_ACTIONS:
        with pytest.raises(NotAllowed):
            listing_lifecycle.listing_act(seller=stranger, listing=listing, action=action)
    listing.refresh_from_db()
    assert listing.status == Status.ACTIVE


def test_an_unknown_action_is_refused(owner):
    listing = make_listing(owner)
    with pytest.raises(DomainError, match="Unknown action"):
        listing_lifecycle.listing_act(seller=owner, listing=listing, action="sell")


def test_a_hidden_listing_cant_be_relisted(owner):
    listing = make_listing(owner)
    listing_lifecycle.listing_withdraw(seller=owner, listing=listing)
    Listing.objects.filter(pk=listing.pk).update(hidden=True)
    listing.refresh_from_db()
    with pytest.raises(NotAllowed, match="moderator"):
        listing_lifecycle.listing_relist(seller=owner, listing=listing)


def test_a_listing_published_at_creation_is_announced_to_saved_searches(owner, monkeypatch):
    announced = []
    monkeypatch.setattr(listing_lifecycle, "on_listing_published", announced.append)
    draft = make_listing(owner, publish=False)
    assert announced == []
    live = make_listing(owner)
    listing_lifecycle.listing_publish(seller=owner, listing=draft)
    assert announced == [live, draft]
