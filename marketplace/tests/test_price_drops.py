"""Price-drop alerts: a seller lowers a listing's price, the people watching it are told once,
after the commit; never the seller, never someone who may no longer open the listing."""

from __future__ import annotations

import pytest

from marketplace.services import listings as listing_services
from marketplace.services.money import money
from marketplace.services.price_drops import NOTIFICATION_KIND, price_drop_notify
from marketplace.services.search import watch_add
from social.models import Notification
from social.services import blocks
from tests.factories import PersonFactory, hidden_by_moderator


def drops_told(person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person, kind=NOTIFICATION_KIND).values_list(
            "text", flat=True
        )
    )


@pytest.fixture
def watched(listing, buyer):
    watch_add(user=buyer, listing_id=listing.pk)
    return listing


def lower(listing, price, capture):
    with capture(execute=True):
        listing_services.listing_update(seller=listing.seller, listing=listing, price=price)


def test_watchers_are_told_of_a_drop_after_the_commit(
    watched, buyer, django_capture_on_commit_callbacks
):
    old = watched.price
    with django_capture_on_commit_callbacks(execute=False) as queued:
        listing_services.listing_update(seller=watched.seller, listing=watched, price="80")
    assert drops_told(buyer) == []  # nothing before the commit
    assert len(queued) == 1
    queued[0]()
    assert drops_told(buyer) == [
        f"Price drop: “{watched.title}” is now €80 (was {money(old, watched.currency)})."
    ]


def test_a_higher_or_equal_price_tells_nobody(watched, buyer, django_capture_on_commit_callbacks):
    lower(watched, str(watched.price), django_capture_on_commit_callbacks)
    lower(watched, str(watched.price + 10), django_capture_on_commit_callbacks)
    assert drops_told(buyer) == []


def test_the_seller_and_people_who_no_longer_see_it_are_not_told(
    listing, owner, buyer, stranger, django_capture_on_commit_callbacks
):
    watch_add(user=buyer, listing_id=listing.pk)
    watch_add(user=stranger, listing_id=listing.pk)
    blocks.block_create(blocker=owner, blocked=stranger)
    lower(listing, "60", django_capture_on_commit_callbacks)
    assert len(drops_told(buyer)) == 1
    assert drops_told(stranger) == []
    assert drops_told(owner) == []


def test_each_watcher_is_told_once_per_drop_even_when_the_task_runs_again(
    watched, buyer, django_capture_on_commit_callbacks
):
    old = str(watched.price)
    lower(watched, "60", django_capture_on_commit_callbacks)
    assert price_drop_notify(listing_id=watched.pk, old_price=old, new_price="60.00") == 0
    assert len(drops_told(buyer)) == 1
    lower(watched, "50", django_capture_on_commit_callbacks)
    assert len(drops_told(buyer)) == 2  # a second drop is news


def test_many_watchers_are_told_in_one_batch(
    listing, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    people = PersonFactory.create_batch(5)
    for person in people:
        watch_add(user=person, listing_id=listing.pk)
    old = str(listing.price)
    listing_services.listing_update(seller=listing.seller, listing=listing, price="60")
    with django_assert_max_num_queries(12):
        told = price_drop_notify(listing_id=listing.pk, old_price=old, new_price="60.00")
    assert told == 5


def test_a_hidden_listing_tells_nobody(watched, buyer):
    old = str(watched.price)
    watched.price = 60
    watched.save(update_fields=["price"])
    hidden_by_moderator(watched)
    assert price_drop_notify(listing_id=watched.pk, old_price=old, new_price="60") == 0
    assert drops_told(buyer) == []


def test_a_stale_drop_tells_nobody(watched, buyer, django_capture_on_commit_callbacks):
    """The task of a drop that a later edit undid finds the price changed: nothing is sent."""
    old = str(watched.price)
    assert price_drop_notify(listing_id=watched.pk, old_price=old, new_price="1.00") == 0
    assert drops_told(buyer) == []


def test_a_drop_on_someone_elses_listing_is_refused(watched, stranger):
    from config.errors import NotAllowed

    with pytest.raises(NotAllowed):
        listing_services.listing_update(seller=stranger, listing=watched, price="1")
