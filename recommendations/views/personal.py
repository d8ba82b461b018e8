"""Your own recommendations: /discover/for-you/ shows what you may like, why, and what of yours
is used for it, with the way to turn it off on the privacy dashboard."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from recommendations import personal


@require_GET
def for_you(request):
    profile = personal.preference_profile(request.user)
    context = {
        "profile": profile,
        "recommendations": personal.you_may_like(request.user, profile=profile),
    }
    return render(request, "recommendations/personal/for_you.html", context)


urlpatterns = [path("for-you/", for_you, name="for_you")]
