"""Deleting one's account: what happens, the confirmation, and the page that says when."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import refusals_on
from privacy.registry import Erasure, entries
from privacy.services.erasure import erasure_request, has_two_factor

# Kept in the (new, anonymous) session after sign-out, for the page that says when.
PURGE_AFTER_KEY = "privacy_erasure_purge_after"


class ErasureForm(forms.Form):
    password = forms.CharField(
        required=False,
        strip=False,
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        required=False,
        max_length=20,
        label="Or a code from your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, two_factor: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not two_factor:
            del self.fields["code"]


@dataclass(frozen=True)
class Line:
    """One line of the page: what, what happens to it and why, how long what stays is kept."""

    what: str
    why: str
    retention: str = ""


def _what_happens() -> dict[str, list[Line]]:
    """Per erasure kind, the registry's entries in words: the page says what the code does,
    and for every record that stays, its purpose and how long it is kept."""
    grouped: dict[str, list[Line]] = {kind: [] for kind in Erasure.values}
    for entry in sorted(entries(), key=lambda entry: entry.kind):
        line = Line(entry.title, entry.why, entry.retention_period)
        if line not in grouped[entry.erasure]:
            grouped[entry.erasure].append(line)
    return grouped


@require_http_methods(["GET", "POST"])
def erase(request):
    two_factor = has_two_factor(request.user)
    form = ErasureForm(request.POST or None, two_factor=two_factor)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            erasure = erasure_request(
                user=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data.get("code", ""),
                request=request,
            )
            logout(request)
            request.session[PURGE_AFTER_KEY] = erasure.purge_after.isoformat()
            return redirect("privacy:erase_scheduled")
    what = _what_happens()
    return render(
        request,
        "privacy/erasure/erase.html",
        {
            "form": form,
            "two_factor": two_factor,
            "grace_days": settings.ERASURE_GRACE_DAYS,
            "deleted": what[Erasure.DELETE],
            "kept": what[Erasure.ANONYMISE] + what[Erasure.RETAIN],
        },
        status=400 if form.errors else 200,
    )


@login_not_required
@require_GET
def erase_scheduled(request):
    """After the request: signed out, told when the purge happens and how to call it off."""
    purge_after = parse_datetime(request.session.get(PURGE_AFTER_KEY, "") or "")
    return render(
        request,
        "privacy/erasure/scheduled.html",
        {"purge_after": purge_after, "grace_days": settings.ERASURE_GRACE_DAYS},
    )


urlpatterns = [
    path("delete-account/", erase, name="erase"),
    path("delete-account/scheduled/", erase_scheduled, name="erase_scheduled"),
]
