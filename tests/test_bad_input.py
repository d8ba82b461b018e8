"""Input that once made a 500 is a 400 with a sentence, and changes nothing: a NUL in the query
string (config/input.py), JSON nested deeper than the parser can follow (config/api.py), a
cursor in another script's digits."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from social.models import Post

NUL_PATHS = [
    "/market/search/?q=bi%00ke",
    "/market/search/?category=%00",
    "/market/search/?q=bike&%00=1",
    "/discover/search/?q=bi%00ke",
    "/api/market/listings/?q=bi%00ke",
    "/api/market/listings/?category=%00",
    "/api/discover/search/?q=bi%00ke",
    "/feed/?before=%00",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_in_the_query_is_a_400_with_a_sentence(owner, client_for, path):
    response = client_for(owner).get(path)

    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "invalid"
        assert "NUL" in response.json()["error"]["message"]
    else:
        assert "cannot be part of any text (NUL)" in response.text
        assert "We could not read that" in response.text


def test_a_visitor_gets_the_same_400(client):
    response = client.get("/market/search/?q=%00")
    assert response.status_code == 400 and "(NUL)" in response.text


@pytest.mark.parametrize("path", ["/feed/?before=%D9%A1%D9%A2", "/api/feed/?before=%D9%A1%D9%A2"])
def test_a_cursor_in_other_digits_is_not_a_server_error(owner, client_for, path):
    assert client_for(owner).get(path).status_code in {200, 400}


def test_json_nested_too_deep_is_a_400_and_posts_nothing(owner):
    api = APIClient()
    api.force_authenticate(owner)
    body = "[" * 100_000 + "]" * 100_000

    response = api.generic("POST", "/api/posts/", body, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]["message"]
    assert not Post.objects.exists()


def test_every_api_view_reads_json_with_the_parser_that_refuses_deep_nesting():
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.parsers import JSONParser as DRFJSONParser

    from config.parsers import JSONParser

    def views(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern.callback

    readers = [
        (view.cls, parser)
        for view in views(get_resolver().url_patterns)
        if hasattr(view, "cls")
        for parser in getattr(view.cls, "parser_classes", [])
        if issubclass(parser, DRFJSONParser)
    ]
    assert readers, "the API reads JSON somewhere"
    assert all(parser is JSONParser for _, parser in readers), [
        cls for cls, parser in readers if parser is not JSONParser
    ]
