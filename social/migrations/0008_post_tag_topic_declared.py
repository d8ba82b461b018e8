"""The covering index of post tags (tag, post), made on PostgreSQL by raw SQL in migration 0006, is
now declared on the model with `include`. The database already holds it as declared (SQLite
ignores include and keeps the plain one), so only the migration state changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("social", "0007_notification_about")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="posttag", name="post_tag_topic"),
                migrations.AddIndex(
                    model_name="posttag",
                    index=models.Index(
                        fields=["tag", "post"],
                        include=["author", "audience", "hidden"],
                        name="post_tag_topic",
                    ),
                ),
            ],
        ),
    ]
