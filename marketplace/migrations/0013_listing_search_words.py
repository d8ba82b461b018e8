"""The words the search matches, on every database: `title_words` and `body_words`.

Each listing's title, description, brand and model as the search compares words (folded,
singular: `marketplace.search.words`), filled here for the listings written before, and from now
on by the listing services (`Listing.set_search_words`). These are derived values: a change to
the normaliser comes with a migration that fills them again.

On PostgreSQL the `search_vector` of 0002 is rebuilt from these columns with the 'simple'
configuration (no stemming of its own: the words are already normal), so the GIN index finds
exactly the words the portable `contains(" word ")` finds elsewhere.
"""

from django.db import migrations, models

from marketplace.search.words import words_column

BATCH = 2000

OLD_VECTOR = """
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(description, '')), 'B')
"""
NEW_VECTOR = """
    setweight(to_tsvector('simple', title_words), 'A')
    || setweight(to_tsvector('simple', body_words), 'B')
"""


def _vector_sql(expression: str) -> str:
    return f"""
DROP INDEX IF EXISTS listing_search_vector;
ALTER TABLE marketplace_listing DROP COLUMN IF EXISTS search_vector;
ALTER TABLE marketplace_listing ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS ({expression}) STORED;
CREATE INDEX listing_search_vector ON marketplace_listing USING GIN (search_vector);
"""


def fill_words(apps, schema_editor):
    Listing = apps.get_model("marketplace", "Listing")
    rows = Listing.objects.select_related("brand", "product_model").order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            break
        for listing in batch:
            listing.title_words = words_column(listing.title)
            listing.body_words = words_column(
                listing.description,
                listing.brand.name if listing.brand else "",
                listing.brand_name,
                listing.product_model.name if listing.product_model else "",
                listing.model_name,
            )
        Listing.objects.bulk_update(batch, ["title_words", "body_words"])
        last = batch[-1].pk


def vector_from_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_vector_sql(NEW_VECTOR))


def vector_from_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_vector_sql(OLD_VECTOR))


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0012_reviews_of_purchases_and_reputation")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="body_words",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="listing",
            name="title_words",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_words, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(vector_from_words, vector_from_text, elidable=False),
    ]
