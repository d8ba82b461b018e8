"""What a shared cache (a proxy, a CDN, a shared computer's browser) may keep.

A page or API answer made for a signed-in person holds what only they may see: it is sent with
`Cache-Control: private, no-store`, whatever the view said, so no cache between them and us
keeps it and the browser does not store it for the next person at that computer. Answers to
visitors are left as their views made them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivateWhenSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # `request.user` is set by the authentication middleware, or by DRF for a token.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
