"""A full-text search vector on listings, on PostgreSQL only.

`search_vector` is a generated column (title weighted A, description B) with a GIN index. It is
not a model field: Django never writes it and other databases do not have it; the search selector
reads it with raw SQL on PostgreSQL and falls back to a word match elsewhere
(`marketplace.selectors.search`).
"""

from django.db import migrations

ADD = """
ALTER TABLE marketplace_listing ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(description, '')), 'B')
) STORED;
CREATE INDEX listing_search_vector ON marketplace_listing USING GIN (search_vector);
"""

DROP = """
DROP INDEX IF EXISTS listing_search_vector;
ALTER TABLE marketplace_listing DROP COLUMN IF EXISTS search_vector;
"""


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(add_search_vector, drop_search_vector, elidable=False)]
