"""Reputations from ratings after deals: the display rule (a floor, noise for everyone but the
member, the buyer side behind `social_proof`), two queries for a page, and where they show
(cards, the seller box, profiles, "You rated" on the purchases page)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.selectors.ratings import (
    MIN_RATINGS,
    latest_lines,
    reputation_of,
    reputations,
)
from privacy import releases
from privacy.models import PublishedFigure
from privacy.releases import using_sampler
from privacy.services.consent import consent_grant
from tests.factories import (
    PersonFactory,
    befriend,
    make_rating,
    make_sale,
    marlin_for_sale,
    sold_and_rated,
)
from tests.noise import ShiftSampler

FIVE = [5, 5, 4, 5, 4]  # 4.6 from five sales


def test_a_seller_is_new_until_they_have_enough_ratings(seller, stranger):
    sold_and_rated(seller, [5] * (MIN_RATINGS - 1), lines=["Great"] * (MIN_RATINGS - 1))

    side = reputation_of(stranger, seller).as_seller

    assert (side.count, side.shown, side.average) == (None, False, None)
    assert latest_lines(reputation_of(stranger, seller)) == []
    own = reputation_of(seller, seller).as_seller
    assert (own.count, own.shown, own.average) == (MIN_RATINGS - 1, False, None)


def test_from_the_floor_on_the_average_shows_rounded_to_a_tenth(seller, stranger):
    sold_and_rated(seller, FIVE, lines=["Quick", "", "Friendly", "As described", "Late"])

    reputation = reputation_of(stranger, seller)

    assert (reputation.as_seller.count, reputation.as_seller.average) == (5, 4.6)
    assert reputation.as_seller.approximate and reputation.as_seller.count_words == "about 5"
    assert latest_lines(reputation) == ["Late", "As described", "Friendly"]


def test_others_see_the_figures_with_noise_and_the_member_sees_them_exactly(seller, stranger):
    sold_and_rated(seller, FIVE)  # 5 ratings, 23 stars: 8 above the middle

    with using_sampler(ShiftSampler(3)):  # each draw 3 above the truth
        noisy = reputation_of(stranger, seller).as_seller
        own = reputation_of(seller, seller).as_seller

    # The count 8 in words; the average from the noisy sum (8 + 3) over the noisy count (8).
    assert (noisy.count, noisy.count_words, noisy.average) == (8, "about 10", 4.4)
    assert (own.count, own.count_words, own.average, own.approximate) == (5, "5", 4.6, False)


def test_a_figure_is_drawn_once_a_day_the_same_for_every_viewer(
    seller, stranger, buyer, exact_noise
):
    sales = sold_and_rated(seller, FIVE)
    first = reputation_of(stranger, seller).as_seller
    drawn = len(exact_noise.draws)

    make_rating(make_sale(marlin_for_sale(seller, title="Sixth"), buyer), buyer, 1)
    again = reputation_of(stranger, seller).as_seller
    other = reputation_of(sales[0].buyer, seller).as_seller

    # No new draw, for anyone, whatever changed since: asking again or from another account
    # learns nothing more. The member sees their new rating at once.
    assert len(exact_noise.draws) == drawn and again == first == other
    assert PublishedFigure.objects.filter(subject=seller).count() == 1
    assert reputation_of(seller, seller).as_seller.count == 6


def test_tomorrow_the_figure_is_drawn_again_with_what_changed(seller, buyer, stranger, monkeypatch):
    sold_and_rated(seller, FIVE)
    reputation_of(stranger, seller)
    make_rating(make_sale(marlin_for_sale(seller, title="Sixth"), buyer), buyer, 1)

    tomorrow = releases.today() + timedelta(days=1)
    monkeypatch.setattr(releases, "today", lambda: tomorrow)

    assert reputation_of(stranger, seller).as_seller.count == 6


def test_with_opendp_noise_the_figures_stay_in_range(seller, stranger, opendp_noise):
    sold_and_rated(seller, FIVE)

    side = reputation_of(stranger, seller).as_seller

    assert side.shown and side.approximate and side.count_words.startswith("about ")
    assert side.average is not None and 1.0 <= side.average <= 5.0


def test_ratings_count_for_the_side_the_person_was_on(seller, buyer, stranger):
    sales = sold_and_rated(seller, FIVE)
    for sale in sales:  # the seller rates each buyer back
        make_rating(sale, seller, 2)
    bought = make_sale(marlin_for_sale(buyer, title="Buyer's own bike"), seller)
    make_rating(bought, buyer, 1)  # the seller, as a buyer, gets one star

    reputation = reputation_of(seller, seller)

    assert (reputation.as_seller.count, reputation.as_seller.average) == (5, 4.6)
    assert reputation.as_buyer is not None and reputation.as_buyer.count == 1


def test_the_buyer_side_shows_only_where_their_purchases_are_shared(seller, buyer, stranger):
    befriend(buyer, stranger)
    sold_and_rated(seller, FIVE)

    assert reputation_of(stranger, buyer).as_buyer is None
    assert reputation_of(buyer, buyer).as_buyer is not None  # to themselves, always
    consent_grant(user=buyer, purpose="social_proof", scope="friends")
    assert reputation_of(stranger, buyer).as_buyer is not None
    assert reputation_of(None, buyer).as_buyer is None  # never to a visitor


def test_ratings_by_deactivated_accounts_do_not_count(seller, stranger):
    sales = sold_and_rated(seller, FIVE)
    rater = sales[0].buyer
    rater.is_active = False
    rater.save(update_fields=["is_active"])

    assert reputation_of(seller, seller).as_seller.count == 4
    assert not reputation_of(stranger, seller).as_seller.shown  # below the floor again


def test_reputations_of_a_page_of_people_take_two_queries(stranger):
    people = [PersonFactory.create(name=f"Seller {n}") for n in range(8)]
    sold_and_rated(people[0], FIVE)
    sold_and_rated(people[1], FIVE)

    with CaptureQueriesContext(connection) as first:
        reputations(stranger, people)  # today's figures drawn and stored: one more
    with CaptureQueriesContext(connection) as captured:
        found = reputations(stranger, people)

    assert (len(first), len(captured)) == (3, 2)
    assert set(found) == {person.pk for person in people}
    assert found[people[0].pk].as_seller.average == 4.6
    assert not found[people[2].pk].as_seller.shown
    assert reputations(stranger, []) == {}


# --- Pages -----------------------------------------------------------------------------------


def test_the_search_card_and_the_listing_page_show_the_seller_in_words(
    seller, stranger, client_for
):
    sold_and_rated(seller, FIVE, lines=["Quick and friendly"])
    listing = marlin_for_sale(seller, title="Another Marlin")
    client = client_for(stranger)

    card = client.get(reverse("marketplace:search"), {"q": "Another Marlin"}).text
    page = client.get(reverse("marketplace:listing", args=[listing.pk])).text

    words = "4.6 out of 5 from about 5 sales"
    assert words in card and 'aria-hidden="true">★★★★★' in card
    assert words in page and "Quick and friendly" in page


def test_a_new_seller_says_so_and_shows_no_lines(seller, stranger, client_for):
    sold_and_rated(seller, [1], lines=["Rude"])
    listing = marlin_for_sale(seller, title="Another Marlin")

    page = client_for(stranger).get(reverse("marketplace:listing", args=[listing.pk])).text

    assert "New seller" in page and "Rude" not in page and "out of 5 from" not in page


def test_the_profile_shows_both_sides_to_whom_the_buyer_side_is_shared(
    seller, stranger, client_for
):
    sold_and_rated(seller, FIVE)

    body = client_for(stranger).get(reverse("social:profile", args=[seller.pk])).text

    assert "Ratings after deals" in body and "As a seller" in body
    assert "As a buyer" not in body  # the seller shares no purchases with the stranger
    own = client_for(seller).get(reverse("social:profile", args=[seller.pk])).text
    assert "As a buyer" in own and "New buyer" in own


def test_once_rated_the_purchases_page_says_you_rated_instead_of_the_button(
    seller, buyer, client_for
):
    sale = make_sale(marlin_for_sale(seller), buyer)
    url = reverse("marketplace:deals_purchases")
    assert "Rate the seller" in client_for(buyer).get(url).text

    answer = client_for(buyer).post(
        reverse("marketplace:deals_rate", args=[sale.pk]), {"stars": "4"}
    )

    # The buyer goes on to review what they bought.
    assert answer.url == reverse("marketplace:deals_purchase_review", args=[sale.pk])
    body = client_for(buyer).get(url).text
    assert "Rate the seller" not in body
    assert 'aria-label="You rated the seller 4 out of 5"' in body and "You rated" in body
    sales = client_for(seller).get(url).text
    assert "Rate the buyer" in sales


@pytest.mark.parametrize("stars", ["0", "6", "x", ""])
def test_bad_stars_are_a_clear_error_not_a_crash(seller, buyer, client_for, stars):
    sale = make_sale(marlin_for_sale(seller), buyer)
    answer = client_for(buyer).post(
        reverse("marketplace:deals_rate", args=[sale.pk]), {"stars": stars}
    )
    assert answer.status_code == 400 and "Give 1 to 5 stars" in answer.text
