"""Consent pages: the welcome right after sign-up, and the privacy dashboard.

Both show every purpose with its notice; granting is one click per scope, and withdrawing is one
click too. Actions answer htmx requests with the purpose's card and plain requests with a
redirect (or, on bad input, the page again with the error in that card and a 400). Every write
goes through `privacy.services.consent`; the welcome records `onboarding` in the ledger, the
dashboard `dashboard`.
"""

from __future__ import annotations

import json
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.services import profile_mark_onboarded
from config.errors import DomainError, refusals_on
from config.ids import IdsChoiceField
from privacy import dashboard
from privacy.models import ConsentRecord
from privacy.purposes import Purpose, Scope, for_yourself, scope_label
from privacy.services.consent import consent_grant, consent_withdraw
from social import selectors as social_selectors
from social.models import Circle

SKIPPED_KEY = "privacy:welcome-skipped"  # purposes left off during the welcome, this session
WELCOME, DASHBOARD = "welcome", "dashboard"
METHODS = {WELCOME: ConsentRecord.Method.ONBOARDING, DASHBOARD: ConsentRecord.Method.DASHBOARD}
CARDS = {
    WELCOME: "privacy/consent/_welcome_card.html",
    DASHBOARD: "privacy/consent/_purpose_card.html",
}
SCOPE_ERROR = "Choose who it is for: friends, friends of friends or chosen circles."


class ConsentForm(forms.Form):
    """A grant as the pages send it: the scope is the button pressed, the circles are ticked."""

    scope = forms.ChoiceField(
        choices=Scope.choices,
        error_messages={"required": SCOPE_ERROR, "invalid_choice": SCOPE_ERROR},
    )
    circles = IdsChoiceField(
        queryset=Circle.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": "Choose only among your own circles.",
            "invalid_pk_value": "Choose only among your own circles.",
        },
    )

    def __init__(self, *args, owner, purpose: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        circles = cast(IdsChoiceField, self.fields["circles"])  # as declared above
        circles.queryset = Circle.objects.filter(owner=owner)
        if for_yourself(purpose):  # one "Turn on" button: there is nobody to choose
            self.fields["scope"].required = False

    def first_error(self) -> str:
        return next(str(error) for errors in self.errors.values() for error in errors)


def _purpose(purpose: str) -> Purpose:
    if purpose not in Purpose.values:
        raise Http404("No such purpose.")
    return Purpose(purpose)


def _skipped(request) -> frozenset[str]:
    return frozenset(request.session.get(SKIPPED_KEY, []))


def _page_url(page: str, purpose: str = "") -> str:
    url = reverse("privacy:onboarding" if page == WELCOME else "privacy:dashboard")
    return f"{url}#purpose-{purpose}" if purpose else url


def _card_context(request, view: dashboard.PurposeView, **extra) -> dict:
    return {
        "card": view,
        "my_circles": list(social_selectors.circles_of(request.user)),
        **extra,
    }


def _card(request, purpose: str, page: str, *, error: str = "", done: str = ""):
    """The purpose's card alone, for htmx; a refusal also raises the page's error message."""
    view = dashboard.purpose_view(request.user, purpose)
    view.skipped = purpose in _skipped(request)
    response = render(request, CARDS[page], _card_context(request, view, error=error, done=done))
    if error:
        response.headers["HX-Trigger"] = json.dumps({"bazaar:error": error})
    return response


def _cards(request, errors: dict[str, str] | None = None) -> list[dict]:
    errors = errors or {}
    my_circles = list(social_selectors.circles_of(request.user))
    return [
        {"card": view, "my_circles": my_circles, "error": errors.get(view.value, "")}
        for view in dashboard.purpose_views(request.user, skipped=_skipped(request))
    ]


def _render_page(request, page: str, *, errors: dict[str, str] | None = None, status: int = 200):
    cards = _cards(request, errors)
    context = {"cards": cards, "any_granted": any(c["card"].granted for c in cards)}
    if page == WELCOME:
        return render(request, "privacy/consent/welcome.html", context, status=status)
    user = request.user
    context |= {
        "history": list(dashboard.consent_history(user)),
        "exposure": dashboard.exposure_of(user),
        "usage": dashboard.usage_today(user),
        "recent_usage": dashboard.usage_recent_days(user),
        "protection": dashboard.counts_protection(user),
        "erasure_grace_days": settings.ERASURE_GRACE_DAYS,
    }
    return render(request, "privacy/consent/dashboard.html", context, status=status)


def _grant(request, purpose: str, page: str):
    purpose = _purpose(purpose)
    form = ConsentForm(request.POST, owner=request.user, purpose=purpose)
    with refusals_on() as refused:
        if not form.is_valid():
            raise DomainError(form.first_error())
        scope = form.cleaned_data["scope"]
        chosen = form.cleaned_data["circles"] if scope == Scope.CIRCLES else []
        consent_grant(
            user=request.user,
            purpose=purpose,
            scope=scope,
            circle_ids=[circle.pk for circle in chosen],
            method=METHODS[page],
            request=request,
        )
        done = f"On for {scope_label(purpose, scope)}."
        if request.htmx:
            return _card(request, purpose, page, done=done)
        messages.success(request, f"“{purpose.label}” is on for {scope_label(purpose, scope)}.")
        return redirect(_page_url(page, purpose))
    message = refused.error.message if refused.error else ""
    if request.htmx:
        return _card(request, purpose, page, error=message)
    return _render_page(request, page, errors={purpose: message}, status=400)


def _withdraw(request, purpose: str, page: str):
    purpose = _purpose(purpose)
    with refusals_on() as refused:
        consent_withdraw(user=request.user, purpose=purpose, method=METHODS[page], request=request)
        done = "Off. Nothing of yours is used for this from now on."
        if request.htmx:
            return _card(request, purpose, page, done=done)
        messages.success(request, f"“{purpose.label}” is off. Nothing of yours is used for it now.")
        return redirect(_page_url(page, purpose))
    message = refused.error.message if refused.error else ""
    if request.htmx:
        return _card(request, purpose, page, error=message)
    messages.error(request, message)
    return redirect(_page_url(page, purpose))


# --- The welcome ----------------------------------------------------------------------------


@require_GET
def onboarding(request):
    """Right after sign-up: every purpose explained, all off, one click to grant or skip."""
    return _render_page(request, WELCOME)


@require_POST
def onboarding_grant(request, purpose: str):
    return _grant(request, purpose, WELCOME)


@require_POST
def onboarding_withdraw(request, purpose: str):
    return _withdraw(request, purpose, WELCOME)


@require_POST
def onboarding_skip(request, purpose: str):
    """Leave one purpose off. Nothing is written: off is where every purpose starts."""
    purpose = _purpose(purpose)
    request.session[SKIPPED_KEY] = sorted(_skipped(request) | {purpose.value})
    if request.htmx:
        return _card(request, purpose, WELCOME)
    return redirect(_page_url(WELCOME, purpose))


@require_POST
def onboarding_finish(request):
    """Done (or skip all): the welcome is not shown again after signing in; go home."""
    profile_mark_onboarded(user=request.user)
    request.session.pop(SKIPPED_KEY, None)
    if any(view.granted for view in dashboard.purpose_views(request.user)):
        messages.success(request, "You're all set. Change any of it in your privacy dashboard.")
    else:
        messages.success(
            request,
            "Everything stays off. You can turn things on any time in your privacy dashboard.",
        )
    return redirect(settings.LOGIN_REDIRECT_URL)


# --- The dashboard --------------------------------------------------------------------------


@require_GET
def privacy_dashboard(request):
    """Each purpose's state, the ledger, who sees what, and how the person's data was used."""
    return _render_page(request, DASHBOARD)


@require_POST
def dashboard_grant(request, purpose: str):
    return _grant(request, purpose, DASHBOARD)


@require_POST
def dashboard_withdraw(request, purpose: str):
    return _withdraw(request, purpose, DASHBOARD)


urlpatterns = [
    path("", privacy_dashboard, name="dashboard"),
    path("consents/<str:purpose>/grant/", dashboard_grant, name="grant"),
    path("consents/<str:purpose>/withdraw/", dashboard_withdraw, name="withdraw"),
    path("welcome/", onboarding, name="onboarding"),
    path("welcome/finish/", onboarding_finish, name="onboarding_finish"),
    path("welcome/<str:purpose>/grant/", onboarding_grant, name="onboarding_grant"),
    path("welcome/<str:purpose>/skip/", onboarding_skip, name="onboarding_skip"),
    path("welcome/<str:purpose>/withdraw/", onboarding_withdraw, name="onboarding_withdraw"),
]
