"""A GiST index on the point of live listings, on PostgreSQL only.

A radius search first keeps the listings inside a box around the point. The (status, latitude,
longitude) B-tree answers a box by walking the whole latitude band around the globe; a GiST index
on the point finds the box itself (`make bench` measures it). The search selector uses it
through `point(...) <@ box(...)`.
"""

from django.db import migrations

ADD = """
CREATE INDEX listing_live_point ON marketplace_listing
USING GIST (point(longitude::float8, latitude::float8))
WHERE status IN ('active', 'reserved');
"""

DROP = "DROP INDEX IF EXISTS listing_live_point;"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0004_moderators_group")]

    operations = [migrations.RunPython(add_index, drop_index, elidable=False)]
