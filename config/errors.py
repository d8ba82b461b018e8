"""Domain errors raised by services when a business rule says no.

Views turn them into a form error or a message; the API turns them into a 4xx with the same
message (config/api.py). A service never returns None to mean "refused".
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action. `status` is the HTTP status the API answers with."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotAllowed(DomainError):
    status = 403
    code = "not_allowed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
