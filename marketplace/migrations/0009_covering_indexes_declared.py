"""The covering indexes of purchases (buyer, category) and reviews (author), made on PostgreSQL by
raw SQL in migrations 0006 and 0007, are now declared on the models
(`config.indexes.CoveringIndex`). The database already holds them as declared (SQLite keeps the
plain ones), so only the migration state changes."""

from django.db import migrations

from config.indexes import CoveringIndex


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0008_sales_kept_and_reports_about")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="purchase", name="purchase_buyer_category"),
                migrations.AddIndex(
                    model_name="purchase",
                    index=CoveringIndex(
                        fields=["buyer", "category"],
                        covering=["brand", "verified"],
                        name="purchase_buyer_category",
                    ),
                ),
                migrations.RemoveIndex(model_name="review", name="review_author"),
                migrations.AddIndex(
                    model_name="review",
                    index=CoveringIndex(
                        fields=["author"],
                        covering=["product_model", "created_at", "audience", "hidden", "id"],
                        name="review_author",
                    ),
                ),
            ],
        ),
    ]
