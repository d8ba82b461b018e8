"""The notification settings page and the one-click unsubscribe from an email."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from config.errors import DomainError, refusals_on
from social.notification_kinds import GROUPS, Channel
from social.services.notification_preferences import (
    channels_for,
    notification_preference_set,
    unsubscribe,
    unsubscribe_target,
)


class NotificationSettingsForm(forms.Form):
    """One choice per group of notices: in the app, by email, or in a daily digest."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for group in GROUPS:
            self.fields[group.key] = forms.ChoiceField(
                label=group.label,
                choices=[(channel, Channel(channel).label) for channel in group.choices],
                widget=forms.RadioSelect,
                help_text="Always emailed, so that you hear of it at once."
                if not group.can_unsubscribe
                else "",
            )


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    form = NotificationSettingsForm(request.POST or None, initial=channels_for(request.user))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            for group in GROUPS:
                notification_preference_set(
                    user=request.user, group=group.key, channel=form.cleaned_data[group.key]
                )
        if refused.error is None:
            messages.success(request, "Your notification choices are saved.")
            return redirect("social:notification_settings")
    return render(
        request,
        "social/notification_settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_not_required
@csrf_exempt  # RFC 8058: the mail client posts without a session; the signed token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request, token: str):
    """GET: what the link switches off, and one button. POST (the button, or the mail client's
    `List-Unsubscribe=One-Click`): that group of notices stays in the app; nothing else changes.
    No sign-in needed."""
    try:
        if request.method == "POST":
            _, group = unsubscribe(token=token)
            return render(request, "social/unsubscribe.html", {"group": group, "done": True})
        _, group = unsubscribe_target(token)
    except DomainError as error:
        return render(request, "social/unsubscribe.html", {"error": error.message}, status=400)
    return render(request, "social/unsubscribe.html", {"group": group, "token": token})
