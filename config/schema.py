"""The API schema documents the errors every operation can answer, in the one error body.

A postprocessing hook (SPECTACULAR_SETTINGS) adds to each operation the error statuses it can
meet by how it is built, each with the `Error` body (config/api.py): 400 where it reads
parameters or a body, 403 where it needs a member (not signed in, or not allowed), 404 where its
path or body names something, 409 and 429 for writes (a state that forbids it; the write limit), 415
where it reads a body, 503 everywhere (a backend down, config/outage.py). Statuses an operation
documents itself keep their descriptions and gain the body. `tests/test_api_fuzz.py` holds the
API to it with schemathesis."""

from __future__ import annotations

from typing import Any

WRITES = {"post", "put", "patch", "delete"}
METHODS = WRITES | {"get"}

DESCRIPTIONS = {
    "400": "The request could not be read or breaks a rule; `error.fields` names the fields.",
    "403": "Not signed in, or not allowed to do this.",
    "404": "No such thing, or not one this member may see.",
    "409": "The current state does not allow it (already done, taken, closed...).",
    "415": "The body is not JSON or a form.",
    "429": "Too many requests; wait for the seconds in `Retry-After`.",
    "503": "Part of the site is not answering; try again after `Retry-After`.",
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
        }
    },
}
ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    statuses = ["503"]
    if operation.get("parameters") or operation.get("requestBody") or "{" in path:
        statuses.append("400")
    if operation.get("security") and {} not in operation["security"]:
        statuses.append("403")
    if "{" in path or operation.get("requestBody"):
        statuses.append("404")
    if method in WRITES:
        statuses += ["409", "429"]
    if operation.get("requestBody"):
        statuses.append("415")
    return statuses


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method, operation):
                responses.setdefault(status, {"description": DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status.startswith(("4", "5")) and "content" not in response:
                    response["content"] = ERROR_CONTENT
    return result
