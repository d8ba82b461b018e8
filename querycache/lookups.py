"""Lookups for id lists, registered on every field by `register` (`QueryCacheConfig.ready`).

`field__any=ids`: the row's id is in a list of ids read earlier, sent as one parameter.

    Post.objects.filter(author_id__any=network.fof_ids)

The same rows as `__in`, but where `__in` makes a placeholder per id (each resolved and compiled
by Django, adapted by the driver and parsed by PostgreSQL), this sends one array literal:
`author_id = ANY('{1,2,3}'::bigint[])`, which PostgreSQL hashes when it filters many rows.
Other databases get the plain `IN (...)`. Pass an `IdArray` when the same ids serve several
queries: it is rendered once, and Django does not walk it item by item as it walks lists.
Strings work the same way (`tag__any=["bike", "bikes"]`: `tag = ANY(ARRAY['bike','bikes'])`).

`field__any=Slot("tags", "text[]")`: the list left open, in a query compiled once and run with a
different list each time (`querycache.prepared.Prepared`). PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, SupportsFloat

from django.db import NotSupportedError
from django.db.models import Field, ForeignObject, Lookup

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

type Listed = IdArray | Iterable[int] | Iterable[str]
"""What `__any` takes: ids (an `IdArray` or ints) or strings."""

# SQL and its parameters. Django hands parameters to the driver as they are (here a `Slot` or an
# array literal); the stubs narrow them to a tuple of str and int, hence the ignores below.
type Sql = tuple[str, list[object]]


class IdArray:
    """Sorted distinct ids (`.ids`), with their PostgreSQL array literal made once. Not itself
    iterable: Django walks iterables given to lookups on relations, item by item."""

    __slots__ = ("ids", "literal", "_set")

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = tuple(sorted({int(pk) for pk in ids}))
        self.literal = "{" + ",".join(map(str, self.ids)) + "}"
        self._set = frozenset(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, pk: object) -> bool:
        return pk in self._set

    def __repr__(self) -> str:
        return f"IdArray({len(self.ids)} ids)"


def array_of(given: Listed) -> IdArray | list[str]:
    """Ids (an `IdArray` or ints) as an `IdArray`, or strings as their distinct values, sorted.
    TypeError for ids and strings mixed."""
    if isinstance(given, IdArray):
        return given
    values: list[int | str] = list(given)
    strings = [value for value in values if isinstance(value, str)]
    if not strings:
        return IdArray(value for value in values if not isinstance(value, str))
    if len(strings) < len(values):
        raise TypeError("An `__any` list holds ids or strings, not both.")
    return sorted(set(strings))


def array_param(given: Listed) -> tuple[str, str | list[str]]:
    """`given` (see `array_of`) as one PostgreSQL array parameter: its type and what the driver
    sends (the ids' literal, or the list of strings)."""
    values = array_of(given)
    if isinstance(values, IdArray):
        return "bigint[]", values.literal
    return "text[]", values


class Slot:
    """A value left open in a query compiled once (`querycache.prepared.Prepared`), given at each
    run as one PostgreSQL parameter of type `cast`: a list (`bigint[]`, `text[]`) for `__any`, or
    a number (`float8`) in SQL written out (`RawSQL`). Not iterable, like `IdArray`."""

    __slots__ = ("name", "cast")

    def __init__(self, name: str, cast: str = "bigint[]") -> None:
        self.name, self.cast = name, cast

    def value(self, given: Listed | SupportsFloat) -> str | list[str] | float:
        """The parameter for `given` (ids, strings, or a number for `float8`), as the driver
        sends it."""
        if isinstance(given, SupportsFloat):
            return float(given)
        return array_param(given)[1]

    def __repr__(self) -> str:
        return f"Slot({self.name!r}, {self.cast!r})"


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(  # type: ignore[override]
        self, value: object, connection: BaseDatabaseWrapper
    ) -> Sql:
        return ("%s", [value])

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> Sql:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        postgresql = connection.vendor == "postgresql"
        if isinstance(self.rhs, Slot):
            if not postgresql:
                raise NotSupportedError("A query with a Slot is compiled for PostgreSQL only.")
            return f"{self.column(lhs)} = ANY(%s::{self.rhs.cast})", [*lhs_params, self.rhs]
        values = array_of(self.rhs)
        if not values:
            return "1 = 0", []
        if postgresql:
            cast, param = array_param(values)
            return f"{self.column(lhs)} = ANY(%s::{cast})", [*lhs_params, param]
        plain = values.ids if isinstance(values, IdArray) else values
        return f"{lhs} IN ({', '.join(['%s'] * len(plain))})", [*lhs_params, *plain]

    def column(self, lhs: str) -> str:
        return lhs


class AnyOfUnindexed(AnyOf):
    """`field__any_unindexed=ids`: the same rows as `__any`, checked on each row found some other
    way. PostgreSQL is kept from searching an index of this column for the ids (`(col + 0) =
    ANY(...)`), for a list that matches a large share of the table when another condition of the
    query matches few rows: there the planner would otherwise intersect both indexes' bitmaps,
    reading every index entry of the large list."""

    lookup_name = "any_unindexed"

    def column(self, lhs: str) -> str:
        return f"({lhs} + 0)"


def register() -> None:
    """Make `__any` and `__any_unindexed` known to every field (relations keep their own lookups,
    so they are registered there too)."""
    for lookup in (AnyOf, AnyOfUnindexed):
        Field.register_lookup(lookup)
        ForeignObject.register_lookup(lookup)
