from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services
from accounts.forms import ProfileForm
from accounts.places import gazetteer
from accounts.selectors import profile_for
from config.errors import refusals_on

RESENT = (
    "If that address has an account waiting for confirmation, a new link is on its way. "
    "It can take a few minutes."
)


@login_not_required
@require_POST
def verification_resend(request):
    """ "Send it again" on the page that asks to confirm the address. The same answer whatever
    the address (no account enumeration), a few a minute at most."""
    services.verification_resend(request=request, email=request.POST.get("email", ""))
    messages.info(request, RESENT)
    return redirect("account_email_verification_sent")


@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = profile_for(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile)
        if form.is_valid():
            data = form.cleaned_data
            with refusals_on(form):
                services.profile_update(
                    user=request.user,
                    display_name=data["display_name"],
                    bio=data["bio"],
                    home_place=data["home_place"],
                    interests=data["interests"],
                    avatar=data.get("avatar"),
                    remove_avatar=data.get("remove_avatar", False),
                )
                messages.success(request, "Your profile is saved.")
                return redirect("profile_edit")
        # Reload what is stored: a refused form must not show half-applied values elsewhere.
        profile.refresh_from_db()
    else:
        form = ProfileForm(instance=profile)
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


def _refused(message: str, code: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


PLACE_QUERY_MAX_LENGTH = 120


@require_GET
def place_suggestions(request):
    """The towns whose name starts as typed (`q`), for a place field: at most eight labels, the
    likeliest first (`accounts.places.gazetteer`)."""
    text = request.GET.get("q", "")
    if len(text) > PLACE_QUERY_MAX_LENGTH:
        return _refused(
            f"Type at most {PLACE_QUERY_MAX_LENGTH} characters of a town's name.", "long_query"
        )
    places = gazetteer().suggest(text)
    return JsonResponse({"places": [place.label for place in places]})


@require_GET
def place_nearest(request):
    """The town nearest the browser's location, by name; the point is used for this answer
    only and kept nowhere."""
    try:
        latitude = float(request.GET["latitude"])
        longitude = float(request.GET["longitude"])
    except (KeyError, ValueError):
        return _refused("Give the point as a latitude and a longitude, in degrees.", "no_point")
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or not (
        -90 <= latitude <= 90 and -180 <= longitude <= 180
    ):
        return _refused(
            "The latitude is between -90 and 90, the longitude between -180 and 180.", "no_point"
        )
    place = gazetteer().nearest(latitude, longitude)
    if place is None:
        return _refused(
            "We know no town near where you are. Type your town's name instead.",
            "no_town_near",
            status=404,
        )
    return JsonResponse({"place": place.label})
