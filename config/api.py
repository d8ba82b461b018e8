"""API conventions shared by every app: one error body shape.

Every error answers `{"error": {"code": ..., "message": ..., "fields": {...}}}` so a client reads
one shape whatever went wrong. Domain errors raised by services (`config.errors.DomainError`)
become 400 (or the status they carry) with their message; they never reach the client as a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError
from config.outage import unavailable


def _flatten(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(f"{key}: {_flatten(value)}" for key, value in detail.items())
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    refused_field = None
    if isinstance(exc, DomainError):
        domain_error = exc
        refused_field = domain_error.field
        exc = exceptions.APIException(detail=domain_error.message, code=domain_error.code)
        exc.status_code = domain_error.status
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        fields = {key: value for key, value in detail.items() if key != "non_field_errors"}
        message = _flatten(detail.get("non_field_errors") or detail)
    elif isinstance(detail, dict) and "detail" in detail:
        message = str(detail["detail"])
    else:
        message = _flatten(detail)
    if refused_field:
        fields = {refused_field: [message]}
    code = getattr(exc, "default_code", "error")
    error_detail = getattr(exc, "detail", None)
    if isinstance(error_detail, exceptions.ErrorDetail):
        code = error_detail.code
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    response.data = {"error": body}
    return response


def api_error(message: str, *, code: str = "invalid", status_code: int = 400) -> Response:
    return Response({"error": {"code": code, "message": message}}, status=status_code)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """404s under /api/ answer the one error body too; pages get the 404 template."""
    if _is_api(request):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found."}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Any uncaught exception: a 503 when a backend is down (config/outage.py), else the 500."""
    down = unavailable(request)
    if down is not None:
        return down
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "Something went wrong on our side."}},
            status=500,
        )
    return defaults.server_error(request)
