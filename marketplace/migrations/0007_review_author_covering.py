"""Reviews by author: one index on (author) in place of the foreign key's own. On PostgreSQL it also
carries the product model, date, audience, moderation flag and id, so a network's reviews of a
topic, with every column the audience policy checks, are read from the index alone (social
search). SQLite has no covering indexes and keeps the plain one. Migration 0009 declares the covering
index on the model."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ADD = """
DROP INDEX IF EXISTS review_author;
CREATE INDEX review_author ON marketplace_review (author_id)
INCLUDE (product_model_id, created_at, audience, hidden, id);
"""

DROP = """
DROP INDEX IF EXISTS review_author;
CREATE INDEX review_author ON marketplace_review (author_id);
"""


def cover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def uncover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0006_purchase_buyer_category_covering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["author"], name="review_author"),
        ),
        migrations.AlterField(
            model_name="review",
            name="author",
            field=models.ForeignKey(
                db_index=False,
                help_text="Empty once the author's account is erased (the review is kept, "
                "anonymised).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reviews",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(cover, uncover),
    ]
