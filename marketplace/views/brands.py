"""Brand pages: the brand's models, its network's reviews, its listings nearby, its posts and the
comments people chose to show the viewer; becoming a fan (only me by default), commenting,
claiming the page, and, for its managers, posting. Thin: reads through
`marketplace.selectors.brands`, writes through `marketplace.services.brands`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from config.errors import back_or, refusal_redirects, refusals_on
from marketplace.models import BrandClaim, BrandComment, BrandOffer, BrandPost
from marketplace.selectors import brands as selectors
from marketplace.selectors.search import category_options
from marketplace.services import brand_offers as offers
from marketplace.services import brands as services
from social.audience import Audience
from social.forms import AudienceFormMixin


class FanForm(AudienceFormMixin):
    """Ids prefixed (`fan_…`), as each form on the page: several have an audience."""

    posts_in_feed = forms.BooleanField(
        required=False, label="Show the brand's posts in my feed", initial=False
    )
    campaigns = forms.BooleanField(
        required=False,
        label="Ask me for feedback (polls, concepts to rate)",
        help_text="Only if you also allow anonymous insights. The brand sees totals, never you.",
    )
    offers = forms.BooleanField(
        required=False,
        label="Send me its offers (marked “Sponsored”)",
        help_text="Only if you also allow offers. One click stops them.",
    )
    field_order = ["audience", "circles", "posts_in_feed", "campaigns", "offers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="fan_%s", **kwargs)
        self.fields["audience"].initial = Audience.ONLY_ME
        self.fields["audience"].label = "Who can see that you are a fan"
        self.fields[
            "audience"
        ].help_text = (
            "Only you, unless you choose otherwise. The brand never gets a list of its fans."
        )


class CommentForm(AudienceFormMixin):
    text = forms.CharField(
        max_length=BrandComment.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Write a comment"}),
        label="Comment",
    )
    field_order = ["text", "audience", "circles"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="comment_%s", **kwargs)
        self.fields["audience"].initial = Audience.MEMBERS
        self.fields["audience"].label = "Who can see your comment"


class ClaimForm(forms.Form):
    note = forms.CharField(
        max_length=BrandClaim.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Who are you at the brand?",
        help_text="Staff check it before you can post as the brand.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="claim_%s", **kwargs)


class PostForm(forms.Form):
    text = forms.CharField(
        max_length=BrandPost.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "News, a question for your fans…"}),
        label="Post as the brand",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="post_%s", **kwargs)


def _page_url(request, slug: str, **_) -> str:
    return reverse("marketplace:brand", args=[slug])


def _fan_initial(fan) -> dict:
    if fan is None:
        return {}
    return {
        "audience": fan.audience,
        "circles": list(fan.circles.all()),
        "posts_in_feed": fan.posts_in_feed,
        "campaigns": fan.campaigns,
        "offers": fan.offers,
    }


def _render_page(request, brand, *, status: int = 200, **forms_given):
    page = selectors.brand_page(request.user, brand)
    context = {"page": page, "brand": brand}
    if request.user.is_authenticated:
        context.update(
            fan_form=forms_given.get("fan_form")
            or FanForm(owner=request.user, initial=_fan_initial(page.fan)),
            comment_form=forms_given.get("comment_form") or CommentForm(owner=request.user),
            claim_form=forms_given.get("claim_form") or ClaimForm(),
            post_form=(forms_given.get("post_form") or PostForm()) if page.manager else None,
            offer_form=(forms_given.get("offer_form") or OfferForm()) if page.manager else None,
        )
    return render(request, "marketplace/brands/detail.html", context, status=status)


@login_not_required
@require_GET
def brand_list(request):
    return render(
        request, "marketplace/brands/list.html", {"brands": list(selectors.brands_with_products())}
    )


@login_not_required
@require_GET
def brand_detail(request, slug: str):
    return _render_page(request, selectors.access_brand(slug))


@require_POST
def fan_save(request, slug: str):
    brand = selectors.access_brand(slug)
    form = FanForm(request.POST, owner=request.user)
    if form.is_valid():
        with refusals_on(form):
            services.fan_set(
                member=request.user,
                brand_id=brand.pk,
                audience=form.cleaned_data["audience"],
                circle_ids=form.circle_ids(),
                posts_in_feed=form.cleaned_data["posts_in_feed"],
                campaigns=form.cleaned_data["campaigns"],
                offers=form.cleaned_data["offers"],
            )
            messages.success(request, f"You are a fan of {brand.name}.")
            return redirect(_page_url(request, slug))
    return _render_page(request, brand, status=400, fan_form=form)


@require_POST
@refusal_redirects(_page_url)
def fan_remove(request, slug: str):
    brand = selectors.access_brand(slug)
    services.fan_remove(member=request.user, brand_id=brand.pk)
    messages.success(request, f"You are no longer a fan of {brand.name}.")
    return redirect(_page_url(request, slug))


@require_POST
def comment_save(request, slug: str):
    brand = selectors.access_brand(slug)
    form = CommentForm(request.POST, owner=request.user)
    if form.is_valid():
        with refusals_on(form):
            comment = services.brand_comment_create(
                author=request.user,
                brand_id=brand.pk,
                post_id=request.POST.get("post") or None,
                text=form.cleaned_data["text"],
                audience=form.cleaned_data["audience"],
                circle_ids=form.circle_ids(),
            )
            messages.success(request, "Comment posted.")
            return redirect(f"{_page_url(request, slug)}#brand-comment-{comment.pk}")
    return _render_page(request, brand, status=400, comment_form=form)


@require_POST
@refusal_redirects(_page_url)
def comment_delete(request, slug: str, comment_id: int):
    selectors.access_brand(slug)
    services.brand_comment_delete(author=request.user, comment_id=comment_id)
    messages.success(request, "Comment deleted.")
    return redirect(_page_url(request, slug))


@require_POST
def claim_save(request, slug: str):
    brand = selectors.access_brand(slug)
    form = ClaimForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.brand_claim(
                member=request.user, brand_id=brand.pk, note=form.cleaned_data["note"]
            )
            messages.success(request, f"Thanks: staff will check that you run {brand.name}.")
            return redirect(_page_url(request, slug))
    return _render_page(request, brand, status=400, claim_form=form)


@require_POST
def post_save(request, slug: str):
    brand = services.managed_brand(request.user, selectors.access_brand(slug))
    form = PostForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.brand_post_create(
                author=request.user, brand_id=brand.pk, text=form.cleaned_data["text"]
            )
            messages.success(request, "Posted on the brand's page.")
            return redirect(_page_url(request, slug))
    return _render_page(request, brand, status=400, post_form=form)


@require_POST
@refusal_redirects(_page_url)
def post_delete(request, slug: str, post_id: int):
    selectors.access_brand(slug)
    services.brand_post_delete(author=request.user, post_id=post_id)
    messages.success(request, "Post deleted.")
    return redirect(_page_url(request, slug))


class OfferForm(forms.Form):
    title = forms.CharField(max_length=BrandOffer.TITLE_MAX_LENGTH, label="Offer")
    text = forms.CharField(
        max_length=BrandOffer.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What it is",
    )
    days = forms.IntegerField(min_value=1, max_value=offers.LONGEST_DAYS, initial=14, label="Days")
    category = forms.ChoiceField(
        required=False,
        label="Also for members interested in",
        help_text="Members who asked for offers about this category and allow offers.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="offer_%s", **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Only our fans who asked"), *category_options()]


@require_POST
def offer_save(request, slug: str):
    brand = services.managed_brand(request.user, selectors.access_brand(slug))
    form = OfferForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            offers.brand_offer_create(
                manager=request.user,
                brand_id=brand.pk,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                days=form.cleaned_data["days"],
                category_id=form.cleaned_data["category"] or None,
            )
            messages.success(request, "Offer published to the fans who asked for offers.")
            return redirect(_page_url(request, slug))
    return _render_page(request, brand, status=400, offer_form=form)


@require_POST
@refusal_redirects(lambda request, **_: back_or(request, reverse("social:feed")))
def offer_dismiss(request, offer_id: int):
    offers.offer_dismiss(member=request.user, offer_id=offer_id)
    messages.success(request, "Got it: you will not see this offer again.")
    return redirect(back_or(request, reverse("social:feed")))


@require_POST
@refusal_redirects(lambda request, **_: back_or(request, reverse("social:feed")))
def offers_stop(request, slug: str):
    brand = selectors.access_brand(slug)
    offers.offers_stop(member=request.user, brand_id=brand.pk)
    messages.success(request, f"No more offers from {brand.name}.")
    return redirect(back_or(request, reverse("social:feed")))


urlpatterns = [
    path("brands/", brand_list, name="brands"),
    path("brands/<slug:slug>/", brand_detail, name="brand"),
    path("brands/<slug:slug>/fan/", fan_save, name="brand_fan"),
    path("brands/<slug:slug>/unfan/", fan_remove, name="brand_unfan"),
    path("brands/<slug:slug>/comment/", comment_save, name="brand_comment"),
    path(
        "brands/<slug:slug>/comments/<int:comment_id>/delete/",
        comment_delete,
        name="brand_comment_delete",
    ),
    path("brands/<slug:slug>/claim/", claim_save, name="brand_claim"),
    path("brands/<slug:slug>/post/", post_save, name="brand_post"),
    path("brands/<slug:slug>/posts/<int:post_id>/delete/", post_delete, name="brand_post_delete"),
    path("brands/<slug:slug>/offer/", offer_save, name="brand_offer"),
    path("brands/<slug:slug>/offers/stop/", offers_stop, name="brand_offers_stop"),
    path("offers/<int:offer_id>/not-interested/", offer_dismiss, name="offer_dismiss"),
]
