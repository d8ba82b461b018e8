"""Access-matrix rows for the marketplace reviews routes (helpers: tests/access/engine.py).

The cast has no reviews; each row's `url` makes a product (and, where needed, the owner's
friends-only review, or the deals module's sale to friend_b) in the row's transaction, which is
rolled back after the row."""

from __future__ import annotations

from django.urls import reverse

from marketplace.models import HelpfulVote, Review
from tests.access.engine import API_ANON, LOGIN, PUBLIC, SIGNED_IN, SIGNED_IN_API, api, page, per
from tests.access.market_deals import at
from tests.factories import make_product, make_review

SIGNED_IN_VIEWERS = "stranger fof friend_a friend_b owner blocked moderator"


def _product_url(name: str):
    return lambda c: reverse(name, args=[make_product().slug])


def _owner_review(c) -> Review:
    """The owner's review for their friends (friend_a and friend_b; blocked blocked the owner)."""
    review = Review.objects.filter(author=c["owner"]).first()
    return review or make_review(c["owner"], audience="friends", title="Owner review")


def _review_url(name: str):
    return lambda c: reverse(name, args=[_owner_review(c).pk])


def reviews(c):
    return set(Review.objects.values_list("pk", "author_id", "title", "rating"))


def helpful_votes(c):
    return set(HelpfulVote.objects.values_list("review_id", "voter_id"))


# Nobody in the cast owns the product: the form declares the purchase the review rests on.
REVIEW_FORM = {
    "rating": "4",
    "title": "Good bike",
    "text": "Light.",
    "audience": "friends",
    "bought_on": "2026-03-01",
}
ONLY_FRIENDS_VOTE = per(404, anonymous=LOGIN, friend_a=302, friend_b=302, owner=302)

ROWS = [
    page("market/products/<slug:slug>/", _product_url("marketplace:product"), PUBLIC),
    page(
        "market/products/<slug:slug>/review/",
        _product_url("marketplace:review_save"),
        per(302, anonymous=LOGIN),
        method="POST",
        body=lambda c: REVIEW_FORM,
        state=reviews,
        changes=SIGNED_IN_VIEWERS,
    ),
    page("market/reviews/mine/", lambda c: reverse("marketplace:my_reviews"), SIGNED_IN),
    # The owner sold a bike to friend_b (tests/access/market_deals.py): friend_b alone reviews
    # that purchase; to everyone else it does not exist, the seller included.
    page(
        "market/deals/purchases/<int:purchase_id>/review/",
        at("marketplace:deals_purchase_review", "purchase"),
        per(404, anonymous=LOGIN, friend_b=200),
    ),
    page(
        "market/deals/purchases/<int:purchase_id>/review/",
        at("marketplace:deals_purchase_review", "purchase"),
        per(404, anonymous=LOGIN, friend_b=302),
        label="save",
        method="POST",
        body=lambda c: {k: v for k, v in REVIEW_FORM.items() if k != "bought_on"},
        state=reviews,
        changes="friend_b",
    ),
    page(
        "market/reviews/<int:review_id>/helpful/",
        _review_url("marketplace:review_helpful"),
        ONLY_FRIENDS_VOTE,  # the owner is sent back with "not your own review", nothing changes
        method="POST",
        state=helpful_votes,
        changes="friend_a friend_b",
    ),
    page(
        "market/reviews/<int:review_id>/delete/",
        _review_url("marketplace:review_delete"),
        per(404, anonymous=LOGIN, owner=302),
        method="POST",
        state=reviews,
        changes="owner",
    ),
    api(
        "GET /api/market/products/{slug}/reviews/",
        _product_url("api-market-product-reviews"),
        PUBLIC,
    ),
    api("GET /api/market/reviews/", lambda c: reverse("api-market-reviews"), SIGNED_IN_API),
    api(
        "POST /api/market/reviews/",
        lambda c: reverse("api-market-reviews"),
        per(201, anonymous=API_ANON),
        body=lambda c: {
            "product": make_product().slug,
            "rating": 5,
            "title": "Great",
            "text": "Fast.",
            "bought_on": "2026-03-01",
        },
        state=reviews,
        changes=SIGNED_IN_VIEWERS,
    ),
    api(
        "PATCH /api/market/reviews/{review_id}/",
        _review_url("api-market-review"),
        per(404, anonymous=API_ANON, owner=200),
        body=lambda c: {"rating": 1},
        state=reviews,
        changes="owner",
    ),
    api(
        "DELETE /api/market/reviews/{review_id}/",
        _review_url("api-market-review"),
        per(404, anonymous=API_ANON, owner=204),
        state=reviews,
        changes="owner",
    ),
    api(
        "POST /api/market/reviews/{review_id}/helpful/",
        _review_url("api-market-review-helpful"),
        per(404, anonymous=API_ANON, friend_a=200, friend_b=200, owner=403),
        state=helpful_votes,
        changes="friend_a friend_b",
    ),
]
