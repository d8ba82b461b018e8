"""A backend that does not answer (PostgreSQL, Redis as cache or broker) is a 503, not a 500.

`/healthz` tells the load balancer within a second (config/health.py); meanwhile a page or an
API call that finds a backend down, wherever it does (a view, the session read by a
middleware), answers 503 with `Retry-After`: a page that needs nothing from the backends to
render (templates/503.html), or the API's error body. Django turns every uncaught exception
into the 500 handler (`config.api.server_error`), which asks `unavailable` first. The request's
transaction was rolled back as the exception left the view."""

from __future__ import annotations

import logging
import sys
from functools import cache

from django import db
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("bazaar.outage")

RETRY_AFTER_SECONDS = 30
MESSAGE = "Part of the site is not answering right now. Try again in a minute."


@cache
def down_errors() -> tuple[type[BaseException], ...]:
    """What a backend that does not answer raises."""
    from kombu.exceptions import OperationalError as BrokerDown
    from redis.exceptions import ConnectionError as RedisDown
    from redis.exceptions import TimeoutError as RedisSlow

    return (db.OperationalError, db.InterfaceError, RedisDown, RedisSlow, BrokerDown)


def unavailable(request: HttpRequest) -> HttpResponse | None:
    """The 503 for the exception being handled, when it says a backend is down; else None."""
    exception = sys.exception()
    if exception is None or not isinstance(exception, down_errors()):
        return None
    logger.warning("A backend is down: %r", exception)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"code": "unavailable", "message": MESSAGE}}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
