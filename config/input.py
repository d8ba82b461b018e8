"""Input no view should ever see: a NUL character in the query string.

No text here may hold one (PostgreSQL text cannot), and a search word or a filter with one would
reach the database and fail there. It is refused at the door, before any view runs, with a 400
and a sentence: the one error body under /api/, the 400 page elsewhere. Forms and the API's
serializers refuse NUL in what is posted themselves (Django's and DRF's character fields)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

NUL = "\x00"
SENTENCE = (
    "The address holds a character that cannot be part of any text (NUL). Remove it and try again."
)


def _holds_nul(request: HttpRequest) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    )


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or _holds_nul(request):
            return bad_request(request, SENTENCE)
        return self.get_response(request)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 with `message`: the API's error body under /api/, the 400 page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "invalid", "message": message}}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
