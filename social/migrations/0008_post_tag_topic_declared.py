"""The covering index of post tags (tag, post), made on PostgreSQL by raw SQL in migration 0006, is
now declared on the model (`config.indexes.CoveringIndex`). The database already holds it as
declared (SQLite keeps the plain one), so only the migration state changes."""

from django.db import migrations

from config.indexes import CoveringIndex


class Migration(migrations.Migration):
    dependencies = [("social", "0007_notification_about")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="posttag", name="post_tag_topic"),
                migrations.AddIndex(
                    model_name="posttag",
                    index=CoveringIndex(
                        fields=["tag", "post"],
                        covering=["author", "audience", "hidden"],
                        name="post_tag_topic",
                    ),
                ),
            ],
        ),
    ]
