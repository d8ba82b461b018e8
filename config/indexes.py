"""`CoveringIndex`: a B-tree index that also carries other columns where the database has
covering indexes (PostgreSQL's `INCLUDE`), and is the plain index elsewhere.

    CoveringIndex(fields=["author"], covering=["created_at", "audience"], name="review_author")

A query that reads only the key and the covered columns is answered from the index alone.
Django's own `Index(include=...)` builds the same index, but its system check warns on every
SQLite database (models.W040), and Bazaar runs on SQLite too (the embedded default), where the
deployment checklist must pass with nothing silenced. So the covered columns are kept under
another name and given to PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement


class CoveringIndex(models.Index):
    def __init__(self, *, covering: Sequence[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.covering = tuple(covering)

    def deconstruct(self) -> tuple[str, Sequence[Any], dict[str, Any]]:
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "covering": self.covering}

    def create_sql(
        self,
        model: type[models.Model],
        schema_editor: BaseDatabaseSchemaEditor,
        using: str = "",
        **kwargs: Any,
    ) -> Statement:
        if not schema_editor.connection.features.supports_covering_indexes:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        covered = models.Index(
            fields=self.fields,
            name=self.name,
            db_tablespace=self.db_tablespace,
            opclasses=self.opclasses,
            condition=self.condition,
            include=self.covering,
        )
        return covered.create_sql(model, schema_editor, using=using, **kwargs)
