"""Review pages: a product with the reviews the viewer may see, the viewer's own review form, and
"my reviews". Thin: reads through `marketplace.selectors.reviews`, writes through
`marketplace.services.reviews`; a refusal becomes a form error or a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from config.errors import refusal_redirects, refusals_on
from marketplace.models import Purchase, Review
from marketplace.selectors import reviews as selectors
from marketplace.selectors.likes import likes_of
from marketplace.services import reviews as services
from social.forms import AudienceFormMixin


class PurchaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, purchase: Purchase) -> str:
        where = "bought here" if purchase.verified else "bought elsewhere"
        return f"{purchase} ({where}, {purchase.purchased_on:%B %Y})"


class ReviewForm(AudienceFormMixin):
    rating = forms.TypedChoiceField(
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        label="Your rating",
    )
    title = forms.CharField(max_length=services.TITLE_MAX_LENGTH, label="Title")
    text = forms.CharField(
        max_length=Review.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Your review",
        help_text="What did you like, what not, and who is it for?",
    )
    would_recommend = forms.BooleanField(
        required=False, initial=True, label="I would recommend it to a friend"
    )
    purchase = PurchaseChoiceField(
        queryset=Purchase.objects.none(),
        required=False,
        empty_label="Your latest purchase of it",
        help_text="Shown as “verified purchase” (bought here) or “declared purchase” to you and "
        "to the people “Friends can learn from my purchases” reaches; your review itself goes to "
        "its audience.",
    )
    bought_on = forms.DateField(
        required=False,
        label="When did you get it?",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Reviews are from people who have it. Not bought here? Say roughly when: it is "
        "added to your purchases as declared (“declared purchase”).",
    )
    field_order = [
        "rating",
        "title",
        "text",
        "would_recommend",
        "purchase",
        "bought_on",
        "audience",
        "circles",
    ]

    def __init__(self, *args, owner, product=None, editing: bool = False, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        purchases = Purchase.objects.filter(buyer=owner, product_model=product)
        if product is None:  # a review of one purchase: nothing to choose
            del self.fields["purchase"], self.fields["bought_on"]
        elif editing or purchases.exists():
            choice = self.fields["purchase"]
            assert isinstance(choice, forms.ModelChoiceField)
            choice.queryset = purchases.select_related("product_model__brand")
            del self.fields["bought_on"]
        else:  # no purchase of it yet: say when they got it
            del self.fields["purchase"]


def _review_form(request, product, mine: Review | None, data=None) -> ReviewForm:
    """The review form of a signed-in member: theirs to edit, or a new one."""
    initial = {}
    if mine is None and request.method == "GET":
        # "Write a review" after a sale links here with the purchase to tie the review to.
        initial["purchase"] = request.GET.get("purchase") or None
    if mine is not None:
        initial = {
            "rating": mine.rating,
            "title": mine.title,
            "text": mine.text,
            "would_recommend": mine.would_recommend,
            "purchase": mine.purchase_id,
            "audience": mine.audience,
            "circles": list(mine.circles.all()),
        }
    return ReviewForm(
        data, initial=initial, owner=request.user, product=product, editing=mine is not None
    )


def with_likes(viewer, reviews: list[Review]) -> list[Review]:
    """The reviews, each with its likes as the viewer may know them (`review.like_summary`)."""
    found = likes_of(viewer, "review", [review.pk for review in reviews])
    for review in reviews:
        review.like_summary = found[review.pk]  # type: ignore[attr-defined]
    return reviews


def _product_page(request, product, form=None, status: int = 200):
    mine = selectors.my_review_of(request.user, product)
    context = {
        "product": product,
        "reviews": with_likes(
            request.user, list(selectors.reviews_for_product(request.user, product))
        ),
        "summary": selectors.review_summary(request.user, product),
        "mine": mine,
        "form": form
        or (_review_form(request, product, mine) if request.user.is_authenticated else None),
    }
    return render(request, "marketplace/reviews/product.html", context, status=status)


@login_not_required
@require_GET
def product_detail(request, slug: str):
    return _product_page(request, selectors.access_product(slug))


@require_POST
def review_save(request, slug: str):
    """Write the viewer's review of the product, or edit it if they already wrote one."""
    product = selectors.access_product(slug)
    mine = selectors.my_review_of(request.user, product)
    form = _review_form(request, product, mine, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "rating": data["rating"],
            "title": data["title"],
            "text": data["text"],
            "would_recommend": data["would_recommend"],
            "audience": data["audience"],
            "circle_ids": form.circle_ids(),
            "purchase": data.get("purchase"),
        }
        with refusals_on(form):
            if mine is None:
                services.review_write(
                    author=request.user,
                    product_model=product,
                    declare_bought_on=data.get("bought_on"),
                    **fields,
                )
            else:
                services.review_update(author=request.user, review_id=mine.pk, **fields)
            messages.success(request, "Review saved." if mine else "Thank you for your review.")
            return redirect(reverse("marketplace:product", args=[product.slug]) + "#my-review")
    return _product_page(request, product, form=form, status=400)


@require_POST
def review_delete(request, review_id: int):
    services.review_delete(author=request.user, review_id=review_id)  # NotFound: the 404 page
    messages.success(request, "Review deleted.")
    return redirect("marketplace:my_reviews")


def _helpful_button(request, review_id, **_) -> HttpResponse:
    review = selectors.access_review(request.user, review_id)
    return render(request, "marketplace/reviews/_helpful.html", {"review": review})


def _review_on_its_page(request, review_id, **_) -> str:
    review = selectors.access_review(request.user, review_id)
    if review.product_model is None:  # reviews of things without a catalog model: on profiles
        return reverse("marketplace:my_reviews") if review.author_id == request.user.pk else "/"
    url = reverse("marketplace:product", args=[review.product_model.slug])
    return f"{url}#review-{review.pk}"


@require_POST
@refusal_redirects(_review_on_its_page, htmx=_helpful_button)
def helpful_toggle(request, review_id: int):
    """Mark a review helpful or take the mark back; htmx gets the refreshed button."""
    services.helpful_vote_toggle(voter=request.user, review_id=review_id)
    if request.htmx:
        return _helpful_button(request, review_id)
    return redirect(_review_on_its_page(request, review_id))


@require_GET
def my_reviews(request):
    return render(
        request,
        "marketplace/reviews/mine.html",
        {"reviews": list(selectors.reviews_by(request.user))},
    )


urlpatterns = [
    path("products/<slug:slug>/", product_detail, name="product"),
    path("products/<slug:slug>/review/", review_save, name="review_save"),
    path("reviews/mine/", my_reviews, name="my_reviews"),
    path("reviews/<int:review_id>/helpful/", helpful_toggle, name="review_helpful"),
    path("reviews/<int:review_id>/delete/", review_delete, name="review_delete"),
]
