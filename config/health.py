"""`GET /healthz`: is the database answering, is the broker answering.

200 with both "ok"; 503 naming the one that does not answer. Cheap enough for a load balancer
to poll every few seconds: one `SELECT 1` and one broker connection check with a short timeout.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported by name
        return f"down: {exc.__class__.__name__}"
    return "ok"


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER and not settings.REDIS_URL:
        return "ok"  # the embedded default: tasks run in process, there is no broker to lose
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            # One quick retry rides out a blip without keeping the prober waiting.
            conn.ensure_connection(max_retries=1, interval_start=0.25, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"down: {exc.__class__.__name__}"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_state(), "broker": broker_state()}
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "unavailable", **checks}
    if not healthy:
        body["failing"] = [name for name, state in checks.items() if state != "ok"]
    return JsonResponse(body, status=200 if healthy else 503)
