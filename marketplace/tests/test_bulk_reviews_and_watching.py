"""The bulk review, helpful-vote, saved-search and watchlist services: many at once, under the
rules of one, all or nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from config.errors import DomainError
from marketplace.models import HelpfulVote, Listing, Review, SavedSearch, Watch
from marketplace.services.reviews import (
    NewHelpfulVote,
    NewReview,
    helpful_votes_create,
    reviews_create,
)
from marketplace.services.search import (
    NewSavedSearch,
    NewWatch,
    saved_searches_create,
    watches_create,
)
from tests.factories import (
    PersonFactory,
    befriend,
    make_product,
    make_purchase,
    make_review,
    marlin_for_sale,
)

pytestmark = pytest.mark.django_db


def test_reviews_are_back_dated_and_tied_to_the_authors_best_purchase():
    ada = PersonFactory.create(name="Ada")
    product = make_product()
    bought = make_purchase(ada, product)
    when = timezone.now() - timedelta(days=9)

    (review,) = reviews_create(
        reviews=[NewReview(ada.pk, product, 5, "Great", "Rides well.", audience="public", at=when)]
    )

    review.refresh_from_db()
    assert (review.purchase, review.created_at, review.audience) == (bought, when, "public")


def test_a_second_review_of_the_same_product_refuses_the_batch():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")
    product = make_product()
    make_review(ada, product)
    make_purchase(bob, product)

    with pytest.raises(DomainError, match="Row 1: You already reviewed this"):
        reviews_create(
            reviews=[
                NewReview(bob.pk, product, 4, "Fine", "Fine."),
                NewReview(ada.pk, product, 4, "Again", "Again."),
            ]
        )

    assert Review.objects.count() == 1


def test_a_bad_rating_or_someone_elses_purchase_is_refused():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")
    product = make_product()

    with pytest.raises(DomainError, match="Row 0: Give a rating from 1 to 5"):
        reviews_create(reviews=[NewReview(ada.pk, product, 6, "Wow", "Wow.")])
    with pytest.raises(DomainError, match="Row 0: No such purchase of yours"):
        reviews_create(
            reviews=[
                NewReview(ada.pk, product, 4, "Ok", "Ok.", purchase=make_purchase(bob, product))
            ]
        )
    assert not Review.objects.exists()


def test_helpful_votes_need_a_review_the_voter_may_see_and_not_their_own():
    ada, bob, cy = (PersonFactory.create(name=name) for name in ("Ada", "Bob", "Cy"))
    befriend(ada, bob)
    review = make_review(ada, audience="friends")

    with pytest.raises(DomainError, match="Row 1: This review does not exist or you can't see it"):
        helpful_votes_create(
            votes=[NewHelpfulVote(bob.pk, review.pk), NewHelpfulVote(cy.pk, review.pk)]
        )
    with pytest.raises(DomainError, match="Row 0: You can't mark your own review"):
        helpful_votes_create(votes=[NewHelpfulVote(ada.pk, review.pk)])
    assert not HelpfulVote.objects.exists()

    helpful_votes_create(votes=[NewHelpfulVote(bob.pk, review.pk)])
    helpful_votes_create(votes=[NewHelpfulVote(bob.pk, review.pk)])
    assert HelpfulVote.objects.count() == 1


def test_saved_searches_keep_the_rules_of_one():
    ada = PersonFactory.create(name="Ada")
    product = make_product()
    when = timezone.now() - timedelta(days=3)

    (saved,) = saved_searches_create(
        searches=[NewSavedSearch(ada.pk, "bike", product.category, Decimal("500"), at=when)]
    )
    assert SavedSearch.objects.get(pk=saved.pk).created_at == when

    for bad, message in (
        (NewSavedSearch(ada.pk), "Row 1: Give some words or a category"),
        (NewSavedSearch(ada.pk, "tent", radius_km=10), "Row 1: A radius is measured from your"),
        (NewSavedSearch(ada.pk, "BIKE", product.category, 500), "Row 1: You have already saved"),
    ):
        with pytest.raises(DomainError, match=message):
            saved_searches_create(searches=[NewSavedSearch(ada.pk, "lamp"), bad])
    assert SavedSearch.objects.count() == 1


def test_watches_need_a_live_listing_of_someone_else_the_watcher_may_open():
    ada, bob = PersonFactory.create(name="Ada"), PersonFactory.create(name="Bob")
    live = marlin_for_sale(ada)
    withdrawn = marlin_for_sale(ada, status=Listing.Status.WITHDRAWN)

    for listing_id, watcher, message in (
        (withdrawn.pk, bob, "Row 1: No such listing"),
        (live.pk, ada, "Row 1: This is your own listing"),
    ):
        with pytest.raises(DomainError, match=message):
            watches_create(watches=[NewWatch(bob.pk, live.pk), NewWatch(watcher.pk, listing_id)])
    assert not Watch.objects.exists()

    watches_create(watches=[NewWatch(bob.pk, live.pk)])
    watches_create(watches=[NewWatch(bob.pk, live.pk)])
    assert Watch.objects.count() == 1
