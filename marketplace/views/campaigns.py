"""Feedback campaigns: the list of those a member is invited to, a campaign's page (the question,
the member's own answer, the results once enough took part), and a brand manager's form to start
one. Thin: through `marketplace.services.campaigns`."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import refusal_redirects, refusals_on
from marketplace.models import Campaign, CampaignEntry, Category, CategoryInterest
from marketplace.selectors import brands as brand_selectors
from marketplace.selectors.search import category_options
from marketplace.services import campaigns as services
from marketplace.services.brands import managed_brand
from marketplace.services.interests import chosen_categories, interests_set
from privacy.consent import granted
from privacy.purposes import Purpose


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(choices=Campaign.Kind.choices, label="What to ask")
    title = forms.CharField(max_length=Campaign.TITLE_MAX_LENGTH, label="Title")
    question = forms.CharField(
        max_length=Campaign.QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Question, or the concept to rate",
    )
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Choices (a poll: one per line)",
        help_text=f"{services.CHOICES_MIN} to {services.CHOICES_MAX}. Leave empty for a concept "
        "rated from 1 to 5 stars or an idea board.",
    )
    days = forms.IntegerField(
        min_value=1, max_value=services.LONGEST_DAYS, initial=14, label="Open for (days)"
    )
    category = forms.ChoiceField(
        required=False,
        label="Also ask members interested in",
        help_text="Members who asked for feedback requests about this category (any brand), "
        "with anonymous insights allowed. Leave empty for your fans only.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Only our fans who asked"), *category_options()]


class InterestsForm(forms.Form):
    """The categories a member asks brands to reach them about, for one purpose."""

    categories = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="About"
    )

    def __init__(self, *args, purpose: str, **kwargs):
        kwargs.setdefault("auto_id", f"{purpose}_%s")
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        roots = Category.objects.filter(parent__isnull=True).order_by("position", "name")
        field = self.fields["categories"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.pk), c.name) for c in roots]


def _campaign_url(request, campaign_id: int, **_) -> str:
    return reverse("marketplace:campaign", args=[campaign_id])


@require_http_methods(["GET", "POST"])
def campaign_list(request):
    purposes = CategoryInterest.Purpose
    forms_ = {
        purpose: InterestsForm(
            request.POST if request.POST.get("purpose") == purpose else None,
            purpose=purpose,
            initial={"categories": [str(pk) for pk in chosen_categories(request.user, purpose)]},
        )
        for purpose in purposes.values
    }
    posted = forms_.get(request.POST.get("purpose", "")) if request.method == "POST" else None
    if request.method == "POST" and posted is None:
        return redirect("marketplace:campaigns")
    if posted is not None and posted.is_valid():
        with refusals_on(posted):
            interests_set(
                member=request.user,
                purpose=posted.purpose,
                category_ids=posted.cleaned_data["categories"],
            )
            messages.success(request, "Saved: brands may reach you about these.")
            return redirect("marketplace:campaigns")
    answered = (
        CampaignEntry.objects.filter(member=request.user)
        .select_related("campaign__brand")
        .order_by("-updated_at")
    )
    return render(
        request,
        "marketplace/campaigns/list.html",
        {
            "offered": services.offered_to(request.user),
            "answered": list(answered),
            "feedback_form": forms_[purposes.FEEDBACK],
            "offers_form": forms_[purposes.OFFERS],
            "insights": granted(request.user, Purpose.INSIGHTS),
            "offers": granted(request.user, Purpose.OFFERS),
        },
        status=400 if posted is not None and posted.errors else 200,
    )


@require_GET
def campaign_detail(request, campaign_id: int):
    seen = services.access_campaign(request.user, campaign_id)
    show_results = seen.manager or seen.entry is not None or not seen.campaign.is_open
    context = {
        "seen": seen,
        "campaign": seen.campaign,
        "choices": list(seen.campaign.choices.all()),
        "ratings": services.RATINGS,
        "results": services.results(seen.campaign) if show_results else None,
    }
    return render(request, "marketplace/campaigns/detail.html", context)


@require_POST
@refusal_redirects(_campaign_url)
def campaign_answer(request, campaign_id: int):
    services.campaign_answer(
        member=request.user,
        campaign_id=campaign_id,
        choice_id=request.POST.get("choice"),
        rating=request.POST.get("rating"),
        idea=request.POST.get("idea"),
    )
    messages.success(request, "Thank you: your answer is saved. You can change it until it closes.")
    return redirect(_campaign_url(request, campaign_id))


@require_POST
@refusal_redirects(_campaign_url)
def campaign_withdraw(request, campaign_id: int):
    services.campaign_withdraw(member=request.user, campaign_id=campaign_id)
    messages.success(request, "Your answer is withdrawn: nothing of it is kept.")
    return redirect(_campaign_url(request, campaign_id))


@require_http_methods(["GET", "POST"])
def campaign_new(request, slug: str):
    brand = managed_brand(request.user, brand_selectors.access_brand(slug))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            campaign = services.campaign_create(
                manager=request.user,
                brand_id=brand.pk,
                kind=data["kind"],
                title=data["title"],
                question=data["question"],
                choices=data["choices"].splitlines(),
                ends_at=timezone.now() + datetime.timedelta(days=data["days"]),
                category_id=data["category"] or None,
            )
            messages.success(request, "Your campaign is open to the fans who asked for it.")
            return redirect(_campaign_url(request, campaign.pk))
    status = 400 if form.errors else 200
    return render(
        request, "marketplace/campaigns/new.html", {"form": form, "brand": brand}, status=status
    )


urlpatterns = [
    path("campaigns/", campaign_list, name="campaigns"),
    path("campaigns/<int:campaign_id>/", campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/answer/", campaign_answer, name="campaign_answer"),
    path("campaigns/<int:campaign_id>/withdraw/", campaign_withdraw, name="campaign_withdraw"),
    path("brands/<slug:slug>/campaigns/new/", campaign_new, name="campaign_new"),
]
