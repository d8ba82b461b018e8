"""`querycache.versions.cached`: a value is made once, kept, and every reader gets the same."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from querycache.versions import cached


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_value_is_made_once_and_then_read():
    made = []

    def make():
        made.append(1)
        return {"n": len(made)}

    assert cached("k", make, 60) == {"n": 1}
    assert cached("k", make, 60) == {"n": 1}
    assert made == [1]


def test_the_value_made_here_is_returned_without_reading_it_back(monkeypatch):
    reads = []
    get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: (reads.append(key), get(key))[1])
    value = cached("k", lambda: [1, 2, 3], 60)
    assert value == [1, 2, 3]
    assert reads == ["k"]  # the miss only
    assert cache.get("k") == [1, 2, 3]


def test_when_another_process_kept_a_value_first_theirs_is_everyones(monkeypatch):
    def make():
        cache.set("k", "theirs", 60)  # made elsewhere meanwhile
        return "mine"

    assert cached("k", make, 60) == "theirs"
    assert cached("k", lambda: "again", 60) == "theirs"
