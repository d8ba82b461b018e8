"""Rate limits: DRF's throttles counting per client address as `config.clients.client_ip` finds it
(DRF's own would trust `X-Forwarded-For` from anyone, so a forged header escapes the limit), and
one limit on writes per member, for the API and the pages alike.

`WriteRateThrottle` counts every request that is not a read (any method but GET, HEAD and
OPTIONS) per signed-in member, or per client address for a visitor, against `WRITE_RATE_LIMIT`.
The API applies it to every view (DEFAULT_THROTTLE_CLASSES: 429 with the error body and
`Retry-After`); `WriteRateLimitMiddleware` applies the same throttle, with the same count, to
the pages: a 429 page, or for htmx a 429 the page shows as a message. Sign-in has its own
limits, per account and per address (ACCOUNT_RATE_LIMITS)."""

from __future__ import annotations

import math
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework import throttling
from rest_framework.permissions import SAFE_METHODS

from config.clients import client_ip
from config.errors import DomainError


class _ByClientAddress:
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"


class AnonRateThrottle(_ByClientAddress, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_ByClientAddress, throttling.UserRateThrottle):
    pass


class WriteRateThrottle(_ByClientAddress, throttling.UserRateThrottle):
    """Writes per member (per client address for a visitor); reads are not counted."""

    scope = "write"

    def get_rate(self) -> str:
        return settings.WRITE_RATE_LIMIT

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class TooManyWrites(DomainError):
    status = 429
    code = "throttled"

    def __init__(self, wait: float | None) -> None:
        self.seconds = max(1, math.ceil(wait or 1))
        super().__init__(
            f"You are doing that faster than we allow. Try again in {self.seconds} seconds."
        )


class WriteRateLimitMiddleware:
    """The write limit on the pages (the API's views apply the throttle themselves)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS or request.path.startswith("/api/"):
            return self.get_response(request)
        throttle = WriteRateThrottle()
        if throttle.allow_request(request, None):
            return self.get_response(request)
        error = TooManyWrites(throttle.wait())
        response: HttpResponse
        if getattr(request, "htmx", False):  # the page says it (static/js/bazaar.js)
            response = HttpResponse(error.message, status=429, content_type="text/plain")
        else:
            response = render(request, "429.html", {"message": error.message}, status=429)
        response["Retry-After"] = str(error.seconds)
        return response
