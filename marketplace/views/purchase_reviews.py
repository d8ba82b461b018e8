"""Reviewing one purchase: `/market/deals/purchases/<id>/review/`, from "Write a review" on the
purchases page and after rating the seller. It reviews what the purchase was of: its catalog
product (then the product's page holds the review), or, without one, its category and brand and
the model name its seller gave. Thin: `review_write` / `review_update` decide."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from config.errors import refusals_on
from marketplace.models import Purchase, Review
from marketplace.selectors.deals import access_own_purchase
from marketplace.services import reviews as services
from marketplace.views.reviews import ReviewForm


def _initial(review: Review | None) -> dict:
    if review is None:
        return {}
    return {
        "rating": review.rating,
        "title": review.title,
        "text": review.text,
        "would_recommend": review.would_recommend,
        "audience": review.audience,
        "circles": list(review.circles.all()),
    }


def _subject(purchase: Purchase) -> str:
    """What the purchase was of, in words, as its review will be about."""
    if purchase.product_model is not None:
        return str(purchase.product_model)
    listing = purchase.listing
    typed = " ".join(
        part
        for part in (
            purchase.brand.name if purchase.brand else (listing.brand_name if listing else ""),
            listing.model_name if listing else "",
        )
        if part
    )
    return typed or purchase.description or purchase.category.name


@require_http_methods(["GET", "POST"])
def purchase_review(request, purchase_id: int):
    purchase = access_own_purchase(request.user, purchase_id)
    mine = services.review_of_purchase(author=request.user, purchase=purchase)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(mine),
        owner=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "rating": data["rating"],
            "title": data["title"],
            "text": data["text"],
            "would_recommend": data["would_recommend"],
            "audience": data["audience"],
            "circle_ids": form.circle_ids(),
        }
        with refusals_on(form):
            if mine is None:
                services.review_write(author=request.user, purchase=purchase, **fields)
                messages.success(request, "Thank you for your review.")
            else:
                services.review_update(author=request.user, review_id=mine.pk, **fields)
                messages.success(request, "Review saved.")
            if purchase.product_model is not None:
                url = reverse("marketplace:product", args=[purchase.product_model.slug])
                return redirect(f"{url}#my-review")
            return redirect("marketplace:my_reviews")
    return render(
        request,
        "marketplace/deals/purchase_review.html",
        {"purchase": purchase, "subject": _subject(purchase), "mine": mine, "form": form},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path(
        "deals/purchases/<int:purchase_id>/review/",
        purchase_review,
        name="deals_purchase_review",
    ),
]
