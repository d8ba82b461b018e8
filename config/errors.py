"""Domain errors raised by services when a business rule says no, and how pages answer them.

A service never returns None to mean "refused": it raises a `DomainError` with a message for
people, a `code` for programs and, when the refusal is about one input, the `field` it belongs
to (`DomainError("Choose a category.", code="no_category", field="category")`).

One way to answer a refusal, whoever asked:

- The API (config/api.py) answers `{"error": {"code", "message", "fields": {field: [message]}}}`
  with the status the error carries.
- A page calls the service inside `with refusals_on(form) as refused:`. A refusal stops the block
  there; with a form, its message lands on the error's field when the form has it, else at the top
  of the form (`form_refused`), and the page re-renders with status 400. A page whose refusal is
  part of what it shows (the search page's filters, a consent card, the rating form) passes no
  form and renders `refused.error` in place.
- An action (a POST button) is decorated with `@refusal_redirects(to)`: the message is flashed and
  the browser goes back to `to`. An htmx request gets, instead, the fragment the action would
  have refreshed (or a one-line alert) and an `HX-Trigger: {"bazaar:error": message}` header
  that the page shows as a toast.

What a person may not see is fetched through an `access_*` selector (`access_listing`,
`access_person`...) that raises Http404, as if it did not exist: a 404 is not a refusal.

Whatever a page leaves uncaught, `RefusalMiddleware` answers: a `NotFound` is the 404 page, a
`NotAllowed` the 403 page, any other refusal is flashed and the browser goes back where it came
from (htmx: the one-line alert). A refusal is never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest


class DomainError(Exception):
    """A rule refused the action. `status` is the HTTP status the API answers with; `field`, the
    input the refusal is about, if it is about one."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
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


def found[T](thing: T | None, message: str) -> T:
    """`thing`, or Http404 with `message` when there is none: the body of every `access_*`
    selector (what a person may not see is answered as if it did not exist)."""
    if thing is None:
        raise Http404(message)
    return thing


def form_refused(form: forms.Form, error: DomainError) -> None:
    """Put the refusal on the form: on its field when the form has that field, else on top."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@dataclass
class Refused:
    """What `refusals_on` caught: the refusal, or None when the block ran to its end."""

    error: DomainError | None = None

    @property
    def status(self) -> int:
        """The status a page answers with: the refusal's own, or 200."""
        return self.error.status if self.error else 200


@contextmanager
def refusals_on(form: forms.Form | None = None) -> Iterator[Refused]:
    """Run the block; a `DomainError` raised in it ends the block, is kept on the yielded
    `Refused` and, with a form, lands on that form (`form_refused`). Anything else propagates."""
    refused = Refused()
    try:
        yield refused
    except DomainError as error:
        refused.error = error
        if form is not None:
            form_refused(form, error)


def back_or(request: HttpRequest, default: str) -> str:
    """The page the action came from (`next`, then the referer) when it is one of ours."""
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def htmx_refusal(response: HttpResponse, error: DomainError) -> HttpResponse:
    """Tell the htmx page about the refusal; it shows the message as a toast."""
    response.headers["HX-Trigger"] = json.dumps({"bazaar:error": error.message})
    return response


Target = Callable[..., Any]
Fragment = Callable[..., HttpResponse]


def _alert(error: DomainError) -> HttpResponse:
    alert = format_html('<span class="error" role="alert">{}</span>', error.message)
    return htmx_refusal(HttpResponse(alert), error)


def refusal_redirects(to: str | Target, *, htmx: Fragment | None = None):
    """A `DomainError` raised by the decorated action becomes a flashed message and a redirect
    to `to`: a URL name, or `to(request, **view_kwargs)` returning a URL. For htmx requests: the
    fragment `htmx(request, **view_kwargs)` or a one-line alert, with the `bazaar:error` trigger.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                if request.htmx:
                    if htmx is not None:
                        return htmx_refusal(htmx(request, **kwargs), error)
                    return _alert(error)
                messages.error(request, error.message)
                return redirect(to(request, **kwargs) if callable(to) else to)

        return wrapped

    return decorate


class RefusalMiddleware:
    """The pages' last word on a refusal nobody caught (the API answers its own, in
    config/api.py): 404 for `NotFound`, 403 for `NotAllowed`, else the message and back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(exception.message) from exception
        if getattr(request, "htmx", False):
            return _alert(exception)
        messages.error(request, exception.message)
        return redirect(back_or(request, "/"))
