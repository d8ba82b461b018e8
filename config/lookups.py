"""`field__any=ids`: the row's id is in a list of ids read earlier, sent as one parameter.

    Post.objects.filter(author_id__any=network.fof_ids)

The same rows as `__in`, but where `__in` with thousands of ids makes thousands of placeholders
(each compiled by Django, adapted by the driver and parsed by PostgreSQL), this sends one array
literal: `author_id = ANY('{1,2,3}'::bigint[])`. PostgreSQL hashes it when it filters many rows.
Other databases get the plain `IN (...)`. Registered for every field when this module is
imported (`social.audience` does, as the first user of long id lists).
"""

from __future__ import annotations

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(value) for value in self.rhs]
        if not ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, "{" + ",".join(map(str, ids)) + "}"]
        placeholders = ", ".join(["%s"] * len(ids))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *ids]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep their own lookups
