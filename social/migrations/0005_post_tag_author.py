"""Copy each post's author onto its tags, so counting who talked about a topic in a network reads
one index range per tag instead of every post of every person in it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILL = """
UPDATE social_posttag SET author_id = (
    SELECT social_post.author_id FROM social_post WHERE social_post.id = social_posttag.post_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0004_hidden_people_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="posttag",
            name="author",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="posttag",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="posttag",
            index=models.Index(fields=["tag", "author", "post"], name="post_tag_tag_author"),
        ),
    ]
