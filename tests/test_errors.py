"""Errors look like Bazaar: pages get our templates, the API gets the one error body."""

from __future__ import annotations

from django.test import RequestFactory

from config.api import server_error


def test_unknown_api_path_answers_the_error_body(client, db):
    response = client.get("/api/friend-requests/abc/accept/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_unknown_page_answers_our_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Nothing here" in response.content


def test_server_errors_answer_json_under_api_and_a_page_elsewhere():
    api = server_error(RequestFactory().get("/api/feed/"))
    assert api.status_code == 500
    assert b'"server_error"' in api.content
    page = server_error(RequestFactory().get("/feed/"))
    assert page.status_code == 500
    assert b"Something went wrong" in page.content
