"""Report pages: the one report form for anything a member can see, "my reports" with what
the moderators did, and the owner's page of a moderation decision with its one appeal. Thin:
`marketplace.services.reports` decides what may be reported, `marketplace.services.appeals`
what may be appealed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import refusals_on
from marketplace.models import Appeal, Listing, Report
from marketplace.selectors.reports import access_decision, reports_by
from marketplace.services import appeals as appeal_services
from marketplace.services import reports as services


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices, widget=forms.RadioSelect, label="What is wrong?"
    )
    note = forms.CharField(
        required=False,
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Anything the moderators should know",
        help_text="Needed with “Something else”. The person you report is not told who you are.",
    )


@require_http_methods(["GET", "POST"])
def report_form(request, content_type: str, object_id: int):
    # What the reporter may not see is a NotFound: the 404 page, as if it did not exist.
    target = services.report_target(reporter=request.user, kind=content_type, object_id=object_id)
    kind = services.KINDS[content_type]
    owner = services.owner_of(target)
    context = {
        "target": services.describe(target),
        "kind": kind,
        "own": owner is not None and owner.pk == request.user.pk,
        "already": Report.objects.filter(
            reporter=request.user,
            content_type=ContentType.objects.get_for_model(kind.model),
            object_id=target.pk,
        ).first(),
    }
    form = ReportForm(request.POST or None)
    status = 403 if context["own"] else 200
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            services.report_create(
                reporter=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request, "Thank you. The moderators will look at it and tell you what they did."
            )
            return redirect("marketplace:my_reports")
        status = refused.status
    elif form.errors:
        status = 400
    context["form"] = form
    return render(request, "marketplace/reports/form.html", context, status=status)


@require_GET
def my_reports(request):
    rows = [
        {"report": report, "target": services.describe(report.target)}
        for report in reports_by(request.user)
    ]
    return render(request, "marketplace/reports/mine.html", {"rows": rows})


class AppealForm(forms.Form):
    text = forms.CharField(
        max_length=Appeal.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why should the moderators change their decision?",
        help_text="You can appeal once. A moderator reads it and tells you the outcome.",
    )


@require_http_methods(["GET", "POST"])
def moderation_decision(request, decision_id: int):
    """What a moderator hid of yours, why, and your one appeal."""
    decision = access_decision(request.user, decision_id)
    target = decision.target
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            appeal_services.appeal_create(
                owner=request.user, decision=decision, text=form.cleaned_data["text"]
            )
            messages.success(request, "Your appeal is sent; a moderator will tell you the outcome.")
            return redirect("marketplace:moderation_decision", decision.pk)
        status = refused.status
    elif form.errors:
        status = 400
    context = {
        "decision": decision,
        "appeal": decision.appeal_or_none,
        "what": services.describe(target),
        "listing": target if isinstance(target, Listing) else None,
        "form": form,
    }
    return render(request, "marketplace/reports/decision.html", context, status=status)


urlpatterns = [
    path("report/<str:content_type>/<int:object_id>/", report_form, name="report"),
    path("reports/mine/", my_reports, name="my_reports"),
    path("moderation/<int:decision_id>/", moderation_decision, name="moderation_decision"),
]
