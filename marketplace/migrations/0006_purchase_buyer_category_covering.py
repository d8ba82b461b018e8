"""On PostgreSQL, the (buyer, category) index of purchases also carries brand and verified, so a
network's purchases of a topic are read from the index alone (social search). SQLite has no
covering indexes and keeps the plain one, which is all the embedded default needs. Migration
0009 declares the covering index on the model."""

from django.db import migrations

ADD = """
DROP INDEX IF EXISTS purchase_buyer_category;
CREATE INDEX purchase_buyer_category ON marketplace_purchase (buyer_id, category_id)
INCLUDE (brand_id, verified);
"""

DROP = """
DROP INDEX IF EXISTS purchase_buyer_category;
CREATE INDEX purchase_buyer_category ON marketplace_purchase (buyer_id, category_id);
"""


def cover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def uncover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0005_listing_live_point")]

    operations = [migrations.RunPython(cover, uncover)]
