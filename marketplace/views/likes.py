"""Liking and unliking, from the page of the thing: one POST that toggles the viewer's like (for
friends by default, or the audience chosen in the form) and goes back where it came from."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from config.errors import back_or, refusal_redirects
from marketplace.models import Like
from marketplace.services.likes import like_toggle


def _back(request, **_) -> str:
    return back_or(request, "/")


@require_POST
@refusal_redirects(_back)
def like(request, kind: str, object_id: int):
    if kind not in Like.Kind.values:
        kind = ""  # the service refuses it: "does not exist or you can't see it"
    made = like_toggle(
        owner=request.user,
        kind=kind,
        object_id=object_id,
        audience=request.POST.get("audience") or None,
    )
    if made is not None:
        messages.success(request, f"You like it. {made.get_audience_display()} can see that.")
    return redirect(_back(request))


urlpatterns = [path("likes/<str:kind>/<int:object_id>/", like, name="like")]
