"""Influence pages: /discover/influence/ shows a person their own scores and what they are made
of (all of their experience beside the part others see), with the way to turn `influence` off;
/discover/voices/<topic>/ shows the trusted voices of the viewer's network in a topic, each with
the path that connects them."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from privacy.consent import granted
from privacy.purposes import Purpose
from recommendations import trusted
from recommendations.influence import own_topics
from recommendations.influence_scale import own_scales, voice_scales
from recommendations.models import InfluenceRun


@require_GET
def my_influence(request):
    enabled = granted(request.user, Purpose.INFLUENCE)
    context = {
        "enabled": enabled,
        "mine": own_scales(request.user, own_topics(request.user)) if enabled else [],
        "last_run": InfluenceRun.objects.filter(status=InfluenceRun.Status.SUCCEEDED).first(),
        "topics": trusted.top_level_categories(),
    }
    return render(request, "recommendations/influence/mine.html", context)


@require_GET
def voices(request, slug: str):
    category = get_object_or_404(trusted.top_level_categories(), slug=slug)
    context = {
        "category": category,
        "voices": voice_scales(
            request.user, category, trusted.trusted_voices(request.user, category)
        ),
        "topics": trusted.top_level_categories(),
    }
    return render(request, "recommendations/influence/voices.html", context)


urlpatterns = [
    path("influence/", my_influence, name="my_influence"),
    path("voices/<slug:slug>/", voices, name="voices"),
]
