"""The usage log counts per day instead of per week. Existing rows keep their date (the Monday of
their week), now read as the day they were counted on."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_exports_in_private_storage"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="usagecount",
            name="usage_count_unique",
        ),
        migrations.RenameField(
            model_name="usagecount",
            old_name="week",
            new_name="day",
        ),
        migrations.AlterField(
            model_name="usagecount",
            name="day",
            field=models.DateField(help_text="The local day the uses were counted on."),
        ),
        migrations.AlterModelOptions(
            name="usagecount",
            options={"ordering": ["-day", "purpose", "label"]},
        ),
        migrations.AddConstraint(
            model_name="usagecount",
            constraint=models.UniqueConstraint(
                fields=("owner", "purpose", "label", "day"), name="usage_count_unique_per_day"
            ),
        ),
    ]
