"""`querycache.prepared.Prepared` (a values_list query compiled once, run with new lists, naming
what it freezes and never freezing a time), its `Slot`s, the `__any` lookup on strings, and
`querycache.versions.LocalMemo` with its time bound."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import NotSupportedError, connection
from django.db.models import Q
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from querycache.lookups import IdArray, Slot
from querycache.prepared import Prepared
from querycache.versions import LocalMemo
from social.models import Post, PostTag
from social.services.posts import post_create

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def posts(graph):
    """Two posts each by the owner, friend_a and the stranger, tagged #bike, #tent or both."""
    for name in ("owner", "friend_a", "stranger"):
        post_create(author=graph[name], text=f"{name} on #bike", audience="public")
        post_create(author=graph[name], text=f"{name} on #tent and #bike", audience="public")
    return graph


def authors_query(authors):
    return Post.objects.filter(author_id__any=authors).order_by("pk").values_list("pk", "author_id")


def test_rows_are_the_querysets_rows_whatever_the_lists(posts):
    prepared = Prepared(authors_query, freezes=(), authors="bigint[]")
    people = [posts[name].pk for name in ("owner", "friend_a", "stranger")]
    for authors in ([people[0]], people[1:], people, [], [10**9]):
        expected = [tuple(row) for row in authors_query(authors)]
        assert prepared.rows(authors=authors) == expected
        assert prepared.rows(authors=IdArray(authors)) == expected


def test_postgresql_builds_and_compiles_once_other_databases_each_time(posts):
    built = []

    def build(authors):
        built.append(authors)
        return authors_query(authors)

    prepared = Prepared(build, freezes=(), authors="bigint[]")
    for name in ("owner", "friend_a", "stranger"):
        with CaptureQueriesContext(connection) as queries:
            assert len(prepared.rows(authors=[posts[name].pk])) == 2
        assert len(queries) == 1
    if POSTGRESQL:
        assert len(built) == 1 and isinstance(built[0], Slot)
        assert "= ANY(" in queries[0]["sql"]
    else:
        assert len(built) == 3


def test_a_run_reads_the_rows_as_they_are_then(posts):
    prepared = Prepared(authors_query, freezes=(), authors="bigint[]")
    owner = posts["owner"]
    assert len(prepared.rows(authors=[owner.pk])) == 2
    post_create(author=owner, text="one more", audience="public")
    Post.objects.filter(author=owner).order_by("pk").first().delete()
    assert [pk for pk, _ in prepared.rows(authors=[owner.pk])] == list(
        Post.objects.filter(author=owner).order_by("pk").values_list("pk", flat=True)
    )


def test_text_lists_match_like_in(posts):
    def tagged(tags):
        return PostTag.objects.filter(tag__any=tags).order_by("pk").values_list("post_id", "tag")

    prepared = Prepared(tagged, freezes=(), tags="text[]")
    for tags in (["bike"], {"tent"}, ["bike", "tent"], [], ["nothing"]):
        expected = list(
            PostTag.objects.filter(tag__in=tags).order_by("pk").values_list("post_id", "tag")
        )
        assert [tuple(row) for row in tagged(tags)] == expected
        assert prepared.rows(tags=tags) == expected
    assert len(prepared.rows(tags=["bike"])) == 6


def test_a_query_no_row_can_meet_runs_no_sql(posts):
    prepared = Prepared(
        lambda authors: Post.objects.filter(Q(pk__in=[]), author_id__any=authors).values_list("pk"),
        freezes=(),
        authors="bigint[]",
    )
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows(authors=[posts["owner"].pk]) == []
    assert len(queries) == 0


def test_bad_use_is_refused(posts):
    prepared = Prepared(authors_query, freezes=(), authors="bigint[]")
    with pytest.raises(TypeError, match="authors"):
        prepared.rows(people=[1])
    with pytest.raises(TypeError, match="authors"):
        prepared.rows()
    flat = Prepared(
        lambda authors: Post.objects.filter(author_id__any=authors).values_list("pk", flat=True),
        freezes=(),
        authors="bigint[]",
    )
    with pytest.raises(TypeError, match="values_list"):
        flat.rows(authors=[1])


@pytest.mark.skipif(POSTGRESQL, reason="slots are PostgreSQL's")
def test_a_slot_is_refused_outside_postgresql(posts):
    with pytest.raises(NotSupportedError):
        list(Post.objects.filter(author_id__any=Slot("authors")))


def test_the_memo_keeps_the_newest_and_makes_each_value_once():
    memo = LocalMemo(2, ttl_seconds=60)
    made = []

    def make(value):
        def maker():
            made.append(value)
            return value

        return maker

    assert memo.get_or_set("a", make(1)) == 1
    assert memo.get_or_set("a", make(99)) == 1  # kept: not made again
    memo.get_or_set("b", make(2))
    memo.get_or_set("a", make(99))  # "a" is now the most recent
    memo.get_or_set("c", make(3))  # "b", the oldest, goes
    assert len(memo) == 2
    assert memo.get_or_set("b", make(4)) == 4
    assert made == [1, 2, 3, 4]
    memo.clear()
    assert len(memo) == 0


def test_the_memo_is_safe_across_threads():
    memo = LocalMemo(8, ttl_seconds=60)
    errors = []

    def work(n):
        try:
            for i in range(200):
                key = f"k{(n + i) % 12}"
                assert memo.get_or_set(key, lambda key=key: key) == key
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(memo) <= 8


def test_a_prepared_query_names_what_it_freezes(posts):
    with pytest.raises(TypeError, match="freezes"):
        Prepared(authors_query, authors="bigint[]")
    with pytest.raises(TypeError, match="freezes"):
        Prepared(authors_query, freezes="viewer", authors="bigint[]")  # a name, not a tuple
    prepared = Prepared(authors_query, freezes=("viewer", "network"), authors="bigint[]")
    assert prepared.freezes == ("viewer", "network")


@pytest.mark.skipif(not POSTGRESQL, reason="only PostgreSQL compiles, and sees dates as dates")
@pytest.mark.parametrize(
    "frozen",
    [
        pytest.param(lambda: Q(created_at__lt=timezone.now()), id="datetime"),
        pytest.param(lambda: Q(created_at__date__gte=datetime.date(2026, 1, 1)), id="date"),
        pytest.param(lambda: Q(created_at__time__lt=datetime.time(12)), id="time"),
    ],
)
def test_a_query_that_would_freeze_a_date_or_time_is_refused_when_compiled(posts, frozen):
    prepared = Prepared(
        lambda authors: Post.objects.filter(frozen(), author_id__any=authors).values_list("pk"),
        freezes=("now",),
        authors="bigint[]",
    )
    with pytest.raises(TypeError, match="must not freeze a date or time"):
        prepared.rows(authors=[posts["owner"].pk])


def test_the_time_computed_in_sql_is_not_frozen(posts):
    prepared = Prepared(
        lambda authors: (
            Post.objects.filter(created_at__lte=Now(), author_id__any=authors)
            .order_by("pk")
            .values_list("pk")
        ),
        freezes=(),
        authors="bigint[]",
    )
    assert len(prepared.rows(authors=[posts["owner"].pk])) == 2


def test_the_memo_makes_again_what_is_older_than_its_time_bound():
    now = [1000.0]
    memo = LocalMemo(8, ttl_seconds=600, clock=lambda: now[0])
    made = []

    def make(value):
        return lambda: made.append(value) or value

    assert memo.get_or_set("network", make(1)) == 1
    now[0] += 599
    assert memo.get_or_set("network", make(2)) == 1  # still within the bound
    now[0] += 1
    assert memo.get_or_set("network", make(3)) == 3  # 600 seconds old: made again
    now[0] += 300
    assert memo.get_or_set("network", make(4)) == 3  # and kept from when it was made again
    assert made == [1, 3] and len(memo) == 1


def test_a_memo_needs_a_time_bound():
    with pytest.raises(TypeError):
        LocalMemo(8)
    with pytest.raises(ValueError, match="time bound"):
        LocalMemo(8, ttl_seconds=0)
