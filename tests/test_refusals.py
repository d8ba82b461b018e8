"""How a page answers a refusal (config/errors.py): on the form field, as a message, or as an
htmx fragment; and the API reads the same field."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from config.api import exception_handler
from config.errors import (
    DomainError,
    NotAllowed,
    NotFound,
    RefusalMiddleware,
    form_refused,
    found,
    refusal_redirects,
    refusals_on,
)


class TitleForm(forms.Form):
    title = forms.CharField()


def _post(*, htmx: bool = False, referer: str = ""):
    headers = {"HX-Request": "true"} if htmx else {}
    if referer:
        headers["Referer"] = referer
    request = RequestFactory().post("/somewhere/", headers=headers)
    request.htmx = HtmxDetails(request)
    request._messages = CookieStorage(request)
    return request


@refusal_redirects("/circles/")
def refusing_action(request):
    raise DomainError("Not this time.")


@refusal_redirects(lambda request, item_id: f"/items/{item_id}/")
def refusing_item_action(request, item_id: int):
    raise DomainError("Not this one.")


def test_a_refusal_with_a_field_becomes_an_error_on_that_field():
    form = TitleForm({"title": "ab"})
    form.is_valid()

    form_refused(form, DomainError("Give a longer title.", code="short_title", field="title"))

    assert form.errors == {"title": ["Give a longer title."]}


def test_a_refusal_without_a_field_or_with_a_field_the_form_lacks_goes_on_top():
    form = TitleForm({"title": "ab"})
    form.is_valid()

    form_refused(form, DomainError("No."))
    form_refused(form, DomainError("Not a price.", field="price"))

    assert form.non_field_errors() == ["No.", "Not a price."]


def test_a_refusal_in_a_page_lands_on_its_form_and_ends_the_block():
    form = TitleForm({"title": "ab"})
    form.is_valid()
    reached = []

    with refusals_on(form) as refused:
        raise DomainError("Give a longer title.", field="title")
        reached.append("after")  # never: the refusal ends the block

    assert form.errors == {"title": ["Give a longer title."]}
    assert refused.error is not None and refused.status == 400
    assert reached == []


def test_a_page_that_shows_the_refusal_in_place_reads_it_from_the_block():
    with refusals_on() as refused:
        raise NotFound("No such thing.")

    assert refused.error is not None and refused.error.message == "No such thing."
    assert refused.status == 404


def test_a_block_that_is_not_refused_has_nothing_to_show():
    with refusals_on() as refused:
        pass

    assert refused.error is None and refused.status == 200


def test_only_refusals_are_caught_by_the_block():
    with pytest.raises(ValueError), refusals_on():
        raise ValueError("a bug, not a refusal")


def _uncaught(error: Exception, *, htmx: bool = False, referer: str = ""):
    request = _post(htmx=htmx, referer=referer)
    return request, RefusalMiddleware(lambda request: HttpResponse()).process_exception(
        request, error
    )


def test_a_page_that_leaves_a_not_found_uncaught_answers_the_404_page():
    with pytest.raises(Http404):
        _uncaught(NotFound("No such review of yours."))


def test_a_page_that_leaves_a_not_allowed_uncaught_answers_the_403_page():
    with pytest.raises(PermissionDenied):
        _uncaught(NotAllowed("Only the seller may do this."))


def test_any_other_uncaught_refusal_is_flashed_and_the_browser_goes_back():
    request, response = _uncaught(DomainError("Sold already."), referer="http://testserver/x/")

    assert response is not None and response.status_code == 302
    assert response.url == "http://testserver/x/"
    assert [str(m) for m in get_messages(request)] == ["Sold already."]


def test_an_uncaught_refusal_in_htmx_is_the_one_line_alert():
    _, response = _uncaught(DomainError("Sold already."), htmx=True)

    assert response is not None
    assert json.loads(response.headers["HX-Trigger"]) == {"bazaar:error": "Sold already."}


def test_the_middleware_leaves_other_errors_to_django():
    _, response = _uncaught(ValueError("a bug"))

    assert response is None


def test_a_refused_action_flashes_the_message_and_redirects():
    request = _post()

    response = refusing_action(request)

    assert response.status_code == 302
    assert response.url == "/circles/"
    assert [str(m) for m in get_messages(request)] == ["Not this time."]


def test_the_redirect_target_can_depend_on_the_view_arguments():
    request = _post()

    response = refusing_item_action(request, item_id=7)

    assert response.url == "/items/7/"


def test_a_refused_htmx_action_answers_an_alert_fragment_and_a_trigger():
    request = _post(htmx=True)

    response = refusing_action(request)

    assert response.status_code == 200
    assert response.content == b'<span class="error" role="alert">Not this time.</span>'
    assert json.loads(response.headers["HX-Trigger"]) == {"bazaar:error": "Not this time."}
    assert list(get_messages(request)) == []


def test_a_refused_htmx_action_can_answer_the_fragment_it_would_have_refreshed():
    @refusal_redirects("/", htmx=lambda request, item_id: HttpResponse(f"item {item_id}"))
    def action(request, item_id):
        raise DomainError("Sold already.")

    response = action(_post(htmx=True), item_id=3)

    assert response.content == b"item 3"
    assert json.loads(response.headers["HX-Trigger"]) == {"bazaar:error": "Sold already."}


def test_an_action_that_is_not_refused_answers_as_usual():
    @refusal_redirects("/")
    def action(request):
        return HttpResponse("done")

    assert action(_post()).content == b"done"


def test_the_api_names_the_same_field():
    response = exception_handler(
        DomainError("Give a longer title.", code="short_title", field="title"), {}
    )

    assert response.status_code == 400
    assert response.data == {
        "error": {
            "code": "short_title",
            "message": "Give a longer title.",
            "fields": {"title": ["Give a longer title."]},
        }
    }


def test_the_api_error_without_a_field_has_no_fields():
    response = exception_handler(DomainError("No.", code="invalid"), {})

    assert response.data == {"error": {"code": "invalid", "message": "No."}}


def test_what_is_not_found_is_the_404_page_with_its_message():
    assert found("a listing", "No such listing.") == "a listing"
    with pytest.raises(Http404, match="No such listing."):
        found(None, "No such listing.")
