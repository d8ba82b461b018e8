"""A notification names whose thing it is about when they did not act (a report's outcome, a
listing found by a saved search), so that it goes when they are erased. Most notifications name
no one: a partial index."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0006_post_tag_audience"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="about",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="Whose thing the notice names when they did not act (a report's "
                "outcome, a listing found by a saved search): the notice goes when they are "
                "erased.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("about__isnull", False)),
                fields=["about"],
                name="notification_about",
            ),
        ),
    ]
