"""Racing acceptances end with exactly one accepted offer (PostgreSQL row locks + constraint).

Each thread has its own database connection (Django opens one per thread); a barrier releases
them together so both `offer_accept` calls are in flight at once. The loser gets Conflict.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from config.errors import Conflict
from marketplace.models import Listing, Offer
from marketplace.services import offers
from tests.factories import PersonFactory, make_offer, marlin_for_sale

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks (SELECT ... FOR UPDATE) and concurrent connections need PostgreSQL; "
    "SQLite locks the whole database and serialises writers.",
)


def race(*calls) -> list:
    """Run `calls` at the same instant in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the race's outcome is what we assert
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


@pytest.fixture
def people(transactional_db):
    return (
        PersonFactory.create(name="Olivia Owner"),
        PersonFactory.create(name="Bea Buyer"),
        PersonFactory.create(name="Carl Buyer"),
    )


@pytest.mark.parametrize("attempt", range(3))
def test_two_offers_accepted_at_once_end_with_one_accepted(people, attempt):
    seller, bea, carl = people
    listing = marlin_for_sale(seller)
    first, second = make_offer(listing, bea, "400"), make_offer(listing, carl, "410")

    results = race(
        lambda: offers.offer_accept(seller=seller, offer=first),
        lambda: offers.offer_accept(seller=seller, offer=second),
    )

    won = [r for r in results if isinstance(r, Offer)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert (len(won), len(lost)) == (1, 1), results
    accepted = Offer.objects.get(listing=listing, status=Offer.Status.ACCEPTED)
    assert accepted.pk == won[0].pk
    other = second if accepted.pk == first.pk else first
    other.refresh_from_db()
    assert other.status == Offer.Status.DECLINED
    listing.refresh_from_db()
    assert listing.status == Listing.Status.RESERVED


@pytest.mark.parametrize("attempt", range(3))
def test_a_seller_accepting_the_same_offer_twice_at_once_accepts_it_once(people, attempt):
    seller, bea, carl = people
    listing = marlin_for_sale(seller)
    offer = make_offer(listing, bea, "400")
    make_offer(listing, carl, "390")

    results = race(
        lambda: offers.offer_accept(seller=seller, offer=offer),
        lambda: offers.offer_accept(seller=seller, offer=offer),
    )

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Offer"], results
    assert Offer.objects.filter(listing=listing, status=Offer.Status.ACCEPTED).count() == 1
    assert Offer.objects.filter(listing=listing, status=Offer.Status.OPEN).count() == 0


def test_two_buyers_offering_while_the_seller_accepts_leave_one_accepted(people):
    """Buyers racing the seller: an offer made during an acceptance either lands before it (and
    is declined with the others) or after it (and is refused: the item is reserved)."""
    seller, bea, carl = people
    listing = marlin_for_sale(seller)
    first = make_offer(listing, bea, "400")

    results = race(
        lambda: offers.offer_accept(seller=seller, offer=first),
        lambda: offers.offer_make(buyer=carl, listing=listing, amount="450"),
    )

    assert isinstance(results[0], Offer), results
    assert Offer.objects.filter(listing=listing, status=Offer.Status.ACCEPTED).count() == 1
    assert Offer.objects.filter(listing=listing, status=Offer.Status.OPEN).count() == 0
    if isinstance(results[1], Exception):
        assert isinstance(results[1], Conflict)
        assert "reserved" in results[1].message


@pytest.mark.parametrize("attempt", range(3))
def test_a_buyer_accepting_a_counter_while_the_seller_accepts_another_leaves_one(people, attempt):
    """The buyer's acceptance of a counter-offer takes the same listing lock as the seller's
    acceptance: exactly one wins, the other offer is declined, the loser gets Conflict."""
    seller, bea, carl = people
    listing = marlin_for_sale(seller)
    countered = offers.offer_counter(
        seller=seller, offer=make_offer(listing, bea, "400"), amount="430"
    )
    other = make_offer(listing, carl, "420")

    results = race(
        lambda: offers.counter_accept(buyer=bea, offer=countered),
        lambda: offers.offer_accept(seller=seller, offer=other),
    )

    won = [r for r in results if isinstance(r, Offer)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert (len(won), len(lost)) == (1, 1), results
    accepted = Offer.objects.get(listing=listing, status=Offer.Status.ACCEPTED)
    assert accepted.pk == won[0].pk
    loser = other if accepted.pk == countered.pk else countered
    loser.refresh_from_db()
    assert loser.status == Offer.Status.DECLINED
    listing.refresh_from_db()
    assert listing.status == Listing.Status.RESERVED
