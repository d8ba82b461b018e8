"""Queries run many times with different lists: compiled once, run with new values each time.

    purchases = Prepared(lambda categories: Purchase.objects.filter(
        buyer_id__any=ids, category_id__any=categories).values_list("buyer_id", "category_id"),
        freezes=("network",), categories="bigint[]")
    purchases.rows(categories=[1, 2])      # [(buyer, category), ...]
    purchases.rows(categories=[7])         # the same SQL, another parameter

On PostgreSQL the query is built and compiled by Django once, with each list left open as a
`Slot` (one array parameter, `= ANY(%s::bigint[])`), and every later run sends that SQL with the
values put in its slots: the ORM's building and compiling (no small cost for a query with the
audience policy in it) is paid once. Elsewhere the query is built with the values each time.
Either way `rows` gives what iterating the `values_list` query would, as tuples.

Whatever the query reads at run time (subqueries, columns) is read afresh at every run; what was
Python when it was built (an id list, the viewer's id) is frozen in it. So every `Prepared` names
what it freezes (`freezes=("viewer", "network")`, or `()` for nothing but constants), and is kept
only as long as those: a social search keeps them with the viewer's network, under the versions
that network is cached under. A date or time is never frozen (no version moves with the clock):
compiling a query whose fixed parameters hold one raises TypeError; compute it in SQL (`Now()`)
or leave it open. (Only PostgreSQL compiles, and only there can the check see the parameters as
dates: SQLite's are already text.)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, SupportsFloat

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable

from querycache.lookups import Listed, Slot

type Compiled = tuple[str, tuple[str | int | Slot, ...]]
"""SQL and its parameters, fixed values and `Slot`s to fill at each run."""


class Prepared[Row: tuple[Any, ...]]:
    """`build(**lists)` returns a `values_list` query (not flat); `rows(**values)` runs it with
    those lists, one per name given with its PostgreSQL array type (`tags="text[]"`).
    `freezes` names the values `build` takes from outside its lists and freezes into the query
    (`("viewer", "network")`): whoever keeps the `Prepared` keeps it under a key holding them."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Model, Row]],
        *,
        freezes: tuple[str, ...],
        using: str = DEFAULT_DB_ALIAS,
        **casts: str,
    ) -> None:
        if not isinstance(freezes, tuple) or not all(isinstance(n, str) for n in freezes):
            raise TypeError("Name what the query freezes as a tuple of names: freezes=(...).")
        self.build, self.freezes, self.using, self.casts = build, freezes, using, casts
        self._compiled: Compiled | None = None  # on PostgreSQL
        self._never = False  # compiled to a condition that no row can meet

    def rows(self, **values: Listed | SupportsFloat) -> list[Row]:
        if set(values) != set(self.casts):
            raise TypeError(f"Give exactly these lists: {', '.join(sorted(self.casts))}.")
        connection = connections[self.using]
        if connection.vendor != "postgresql":  # no slots here: built with the values each time
            return list(_values_list(self.build(**values)))
        if self._compiled is None and not self._never:
            self._compile()
        if self._compiled is None:  # no row can meet it (`_never`)
            return []
        sql, params = self._compiled
        sent = [p.value(values[p.name]) if isinstance(p, Slot) else p for p in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, sent)
            fetched: list[Row] = cursor.fetchall()  # the query's rows, as `values_list` gives
            return fetched

    def _compile(self) -> None:
        """Keep the query's SQL and parameters, or `_never` if no row can meet it."""
        slots = {name: Slot(name, cast) for name, cast in self.casts.items()}
        query = _values_list(self.build(**slots))
        try:
            sql, params = query.query.get_compiler(self.using).as_sql()
        except EmptyResultSet:
            self._never = True
            return
        self._refuse_times(params)
        self._compiled = (sql, tuple(params))

    def _refuse_times(self, params: Iterable[object]) -> None:
        """TypeError if a fixed parameter (not a `Slot`) is a date, time or datetime."""
        for param in params:
            if isinstance(param, datetime.date | datetime.time):  # a datetime is a date
                raise TypeError(
                    f"A prepared query (freezing {', '.join(self.freezes) or 'nothing'}) must "
                    f"not freeze a date or time, and this one freezes {param!r}: compute it in "
                    "SQL (Now()) or leave it open as a parameter."
                )


def _values_list[R](query: QuerySet[Model, R]) -> QuerySet[Model, R]:
    """`query`, checked to be a `values_list` query (not flat): `Prepared` gives tuples."""
    if query._iterable_class is not ValuesListIterable:
        raise TypeError("Prepared runs values_list queries, not flat: its rows are tuples.")
    return query
