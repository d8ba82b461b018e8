"""Purchases pages: what a person bought and sold, declaring a purchase made elsewhere, rating
the other side of a sale, and reviewing one purchase (`/market/deals/purchases/<id>/review/`,
from "Write a review" on the purchases page and after rating the seller). A purchase is reviewed
as what it was of: its catalog product (then the product's page holds the review), or, without
one, its category and brand and the model name its seller gave.

Thin: reads through `marketplace.selectors.deals`, writes through `marketplace.services`
(`purchases`, `ratings`, `reviews`); a refusal is a form error or a message, never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import refusals_on
from marketplace.models import Brand, Category, Listing, ProductModel, Purchase, Rating, Review
from marketplace.selectors import deals as selectors
from marketplace.selectors.ratings import MIN_RATINGS
from marketplace.services import purchases as purchase_services
from marketplace.services import ratings as rating_services
from marketplace.services import reviews as services
from marketplace.views.reviews import ReviewForm

# --- Purchases ------------------------------------------------------------------------------


class DeclarePurchaseForm(forms.Form):
    category = forms.ModelChoiceField(Category.objects.all())
    product_model = forms.ModelChoiceField(
        ProductModel.objects.select_related("brand"),
        required=False,
        label="Product",
        help_text="If it's in the catalog; otherwise name the brand or describe it.",
    )
    brand = forms.ModelChoiceField(Brand.objects.all(), required=False)
    description = forms.CharField(
        max_length=purchase_services.DESCRIPTION_MAX_LENGTH,
        required=False,
        label="What you bought",
        help_text="For example “Trek Marlin 7, size M”.",
    )
    purchased_on = forms.DateField(
        label="When", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    price = forms.CharField(required=False, max_length=20, help_text="Optional.")
    currency = forms.ChoiceField(choices=Listing.Currency.choices, initial="EUR", required=False)


@require_GET
def purchases(request):
    return render(
        request,
        "marketplace/deals/purchases.html",
        {
            "purchases": list(selectors.purchases_of(request.user)),
            "sales": list(selectors.sales_of(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
def purchase_declare(request):
    form = DeclarePurchaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            purchase_services.purchase_declare(buyer=request.user, **form.cleaned_data)
            messages.success(request, "Added to your purchases (not verified: bought elsewhere).")
            return redirect("marketplace:deals_purchases")
    return render(
        request,
        "marketplace/deals/purchase_declare.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def rate(request, purchase_id: int):
    purchase = selectors.access_purchase(request.user, purchase_id)
    error = ""
    if request.method == "POST":
        with refusals_on() as refused:
            rating_services.rating_give(
                rater=request.user,
                purchase=purchase,
                stars=request.POST.get("stars"),
                line=request.POST.get("line", ""),
            )
            messages.success(request, "Thanks: your rating is saved.")
            if purchase.buyer_id == request.user.pk and not services.review_of_purchase(
                author=request.user, purchase=purchase
            ):  # the buyer goes on to review what they bought
                return redirect("marketplace:deals_purchase_review", purchase.pk)
            return redirect("marketplace:deals_purchases")
        error = refused.error.message if refused.error else ""
    other = purchase.seller if purchase.buyer_id == request.user.pk else purchase.buyer
    return render(
        request,
        "marketplace/deals/rate.html",
        {
            "purchase": purchase,
            "other": other,
            "rating": selectors.rating_by(request.user, purchase),
            "stars": range(5, 0, -1),
            "line_max": Rating._meta.get_field("line").max_length,
            "min_ratings": MIN_RATINGS,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- Reviewing one purchase -------------------------------------------------------------------


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
    purchase = selectors.access_own_purchase(request.user, purchase_id)
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
    path("deals/purchases/", purchases, name="deals_purchases"),
    path("deals/purchases/declare/", purchase_declare, name="deals_purchase_declare"),
    path("deals/purchases/<int:purchase_id>/rate/", rate, name="deals_rate"),
    path(
        "deals/purchases/<int:purchase_id>/review/",
        purchase_review,
        name="deals_purchase_review",
    ),
]
