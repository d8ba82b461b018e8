"""Erasure keeps the other side's record, and reports say whose thing they are about.

- `Purchase.buyer` may be empty: erasing a buyer clears the link and keeps the seller's record
  of the sale (it used to delete it with the buyer).
- `Report.about`: whose the reported thing is (the person, for a report of a person), filled in
  for the reports already made from their things' owners. Their export lists reports about
  them; erasing them clears it. An index on `resolved_at` serves the daily retention purge.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The owner field of each kind of thing people can report (marketplace.services.reports.KINDS).
OWNER_FIELDS = {
    ("marketplace", "listing"): "seller_id",
    ("marketplace", "review"): "author_id",
    ("marketplace", "message"): "sender_id",
    ("social", "post"): "author_id",
    ("social", "comment"): "author_id",
}


def fill_about(apps, schema_editor):
    Report = apps.get_model("marketplace", "Report")
    ContentType = apps.get_model("contenttypes", "ContentType")
    person = settings.AUTH_USER_MODEL.split(".")
    User = apps.get_model(*person)
    for content_type in ContentType.objects.filter(
        pk__in=Report.objects.values("content_type_id")
    ):
        key = (content_type.app_label, content_type.model)
        reports = Report.objects.filter(content_type=content_type, about__isnull=True)
        if key == (person[0], person[1].lower()):
            owners = User.objects.filter(pk=models.OuterRef("object_id")).values("pk")
        elif key in OWNER_FIELDS:
            model = apps.get_model(*key)
            owners = model.objects.filter(pk=models.OuterRef("object_id")).values(
                OWNER_FIELDS[key]
            )
        else:
            continue
        reports.update(about_id=models.Subquery(owners[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("marketplace", "0007_review_author_covering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="purchase",
            name="buyer",
            field=models.ForeignKey(
                help_text="Empty once the buyer's account is erased (the seller's record of the "
                "sale stays).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="purchases",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="about",
            field=models.ForeignKey(
                blank=True,
                help_text="Whose the reported thing is (the person, for a report of a person). "
                "Empty once they are erased; the report stays until REPORT_RETENTION_DAYS after "
                "it was resolved.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reports_about",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["resolved_at"], name="report_resolved"),
        ),
        migrations.RunPython(fill_about, migrations.RunPython.noop),
    ]
