"""Reviews rest on a purchase: of a catalog product (verified or declared, and said so), or of a
thing without a catalog model (about its category, brand and the model name its seller typed);
one review per purchase. The database holds the same rules; the purchase's review page."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, DomainError, NotFound
from marketplace.models import Purchase, Review
from marketplace.services.reviews import NewReview, review_write, reviews_create
from privacy.models import ErasureRequest
from privacy.services.consent import consent_grant
from privacy.services.erasure import erasure_request, purge_user
from tests.factories import (
    PASSWORD,
    befriend,
    make_product,
    make_purchase,
    make_review,
    make_sale,
    marlin_for_sale,
)

WORDS = {"rating": 4, "title": "Nice ride", "text": "Comfortable.", "audience": "members"}


@pytest.fixture
def custom_sale(seller, buyer) -> Purchase:
    """The buyer bought a Trek the catalog has no model of: the seller typed "Roscoe Custom"."""
    listing = marlin_for_sale(
        seller, title="Trek Roscoe", product_model=None, model_name="Roscoe Custom"
    )
    return make_sale(listing, buyer)


def test_a_purchase_without_a_catalog_model_is_reviewed_as_what_the_seller_named(
    buyer, custom_sale
):
    review = review_write(author=buyer, purchase=custom_sale.pk, **WORDS)

    assert review.product_model is None and review.purchase == custom_sale
    assert (review.category, review.brand, review.model_name) == (
        custom_sale.category,
        custom_sale.brand,
        "Roscoe Custom",
    )
    assert review.subject == "Trek Roscoe Custom"


def test_a_purchase_has_one_review(buyer, custom_sale):
    review_write(author=buyer, purchase=custom_sale, **WORDS)
    with pytest.raises(Conflict, match="already reviewed this purchase"):
        review_write(author=buyer, purchase=custom_sale, **WORDS)
    assert Review.objects.count() == 1


def test_someone_elses_purchase_cannot_be_reviewed(seller, stranger, custom_sale):
    for who in (seller, stranger):
        with pytest.raises(NotFound, match="No such purchase of yours"):
            review_write(author=who, purchase=custom_sale.pk, **WORDS)
    with pytest.raises(NotFound):
        review_write(author=stranger, purchase="not a number", **WORDS)


def test_a_catalog_product_needs_a_purchase_or_a_declared_one(owner):
    product = make_product()
    with pytest.raises(DomainError, match="add it to your purchases first"):
        review_write(author=owner, product_model=product, **WORDS)
    assert not Purchase.objects.exists()

    review = review_write(
        author=owner, product_model=product, declare_bought_on=date(2026, 2, 1), **WORDS
    )

    assert review.purchase is not None and not review.purchase.verified
    assert (review.purchase.product_model, review.purchase.purchased_on) == (
        product,
        date(2026, 2, 1),
    )


def test_a_declared_purchase_date_in_the_future_is_refused(owner):
    with pytest.raises(DomainError, match="future"):
        review_write(
            author=owner, product_model=make_product(), declare_bought_on=date(2999, 1, 1), **WORDS
        )
    assert not Review.objects.exists()


def test_the_bulk_service_refuses_a_review_without_a_purchase(owner):
    with pytest.raises(DomainError, match="Row 0: Reviews are from people who have it"):
        reviews_create(reviews=[NewReview(owner.pk, make_product(), 5, "Yes", "Good.")])


def test_the_bulk_service_reviews_a_thing_without_a_catalog_model(buyer, custom_sale):
    (review,) = reviews_create(
        reviews=[NewReview(buyer.pk, None, 5, "Yes", "Good.", purchase=custom_sale)]
    )
    assert (review.model_name, review.purchase) == ("Roscoe Custom", custom_sale)


# --- The database holds the rules too ---------------------------------------------------------


def _row(**fields) -> Review:
    values = {"rating": 4, "title": "T", "text": "T", **fields}
    return Review(**values)


def test_the_database_wants_a_review_about_exactly_one_thing(buyer, custom_sale):
    product = make_product()
    purchase = make_purchase(buyer, product)
    # Written past the service on purpose: the constraint is what is tested.
    for wrong in (
        {"product_model": product, "category": product.category},  # two things
        {},  # nothing
        {"product_model": product, "model_name": "Also this"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            _row(author=buyer, purchase=purchase, **wrong).save()


def test_the_database_wants_one_review_per_purchase_and_a_purchase_per_members_review(
    buyer, custom_sale
):
    _row(author=buyer, purchase=custom_sale, category=custom_sale.category).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(author=buyer, purchase=custom_sale, category=custom_sale.category).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(author=buyer, purchase=None, product_model=make_product()).save()
    # An erased author's review may have lost its purchase.
    _row(author=None, purchase=None, product_model=make_product()).save()


# --- Verified or declared, and said so -----------------------------------------------------------


def test_a_review_says_verified_or_declared_where_the_purchase_is_shared(
    owner, stranger, buyer, seller, custom_sale, client_for
):
    befriend(owner, stranger)
    consent_grant(user=owner, purpose="social_proof", scope="friends")
    product = make_product()
    make_review(owner, product, title="Declared one")
    body = client_for(stranger).get(reverse("marketplace:product", args=[product.slug])).text
    assert "Declared purchase" in body and "Verified purchase" not in body

    sold = make_sale(marlin_for_sale(seller, title="Sold here"), stranger)
    make_review(stranger, product, title="Bought here", purchase=sold.pk)
    mine = client_for(stranger).get(reverse("marketplace:product", args=[product.slug])).text
    assert "Verified purchase" in mine  # the author sees their own badge
    outsider = client_for(buyer).get(reverse("marketplace:product", args=[product.slug])).text
    assert "Declared purchase" not in outsider  # no social_proof reaches the buyer


# --- The purchase's review page ------------------------------------------------------------------


def test_the_purchases_page_leads_to_the_review_page_which_writes_then_edits(
    buyer, custom_sale, client_for
):
    client = client_for(buyer)
    url = reverse("marketplace:deals_purchase_review", args=[custom_sale.pk])
    assert "Write a review" in client.get(reverse("marketplace:deals_purchases")).text
    page = client.get(url)
    assert page.status_code == 200 and "Review Trek Roscoe Custom" in page.text

    form = {**WORDS, "rating": "5", "audience": "friends"}
    assert client.post(url, form).url == reverse("marketplace:my_reviews")
    assert client.post(url, {**form, "title": "Even better"}).status_code == 302

    review = Review.objects.get()
    assert (review.title, review.rating, review.model_name) == ("Even better", 5, "Roscoe Custom")
    assert "Edit your review" in client.get(reverse("marketplace:deals_purchases")).text
    assert "Trek Roscoe Custom" in client.get(reverse("marketplace:my_reviews")).text


def test_the_review_page_refuses_bad_input_with_a_message(buyer, custom_sale, client_for):
    url = reverse("marketplace:deals_purchase_review", args=[custom_sale.pk])
    answer = client_for(buyer).post(url, {**WORDS, "rating": "9", "title": ""})
    assert answer.status_code == 400
    assert not Review.objects.exists()


def test_the_review_page_is_the_buyers_alone(seller, stranger, custom_sale, client_for):
    url = reverse("marketplace:deals_purchase_review", args=[custom_sale.pk])
    for who in (seller, stranger):
        assert client_for(who).get(url).status_code == 404
        assert client_for(who).post(url, WORDS).status_code == 404
    assert not Review.objects.exists()


def test_a_catalog_purchase_is_reviewed_on_its_products_page(buyer, seller, client_for):
    sale = make_sale(marlin_for_sale(seller), buyer)
    url = reverse("marketplace:deals_purchase_review", args=[sale.pk])
    answer = client_for(buyer).post(url, {**WORDS, "rating": "5"})
    product = sale.product_model
    assert answer.url == reverse("marketplace:product", args=[product.slug]) + "#my-review"
    assert Review.objects.get().product_model == product


# --- Erasure -------------------------------------------------------------------------------------


def test_erasing_the_author_keeps_a_public_review_without_them_or_its_declared_purchase(owner):
    product = make_product()
    public = make_review(owner, product, audience="public")
    friends_only = make_review(owner, make_product("Fuel EX"), audience="friends")
    declared = public.purchase_id

    erasure = erasure_request(user=owner, password=PASSWORD)
    # The grace period over, as the hourly task finds it (the erasure tests' `make_due`).
    ErasureRequest.objects.filter(pk=erasure.pk).update(purge_after=timezone.now())
    erasure.refresh_from_db()
    purge_user(erasure)

    kept = Review.objects.get(pk=public.pk)
    assert (kept.author_id, kept.purchase_id) == (None, None)
    assert not Purchase.objects.filter(pk=declared).exists()
    assert not Review.objects.filter(pk=friends_only.pk).exists()
