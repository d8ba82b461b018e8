"""A consent granted again, as it was, when its owner cancels their account's deletion by signing
in (`privacy.services.consent.consents_restore`) is recorded with its own method."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_audit_event_references")]

    operations = [
        migrations.AlterField(
            model_name="consentrecord",
            name="method",
            field=models.CharField(
                choices=[
                    ("onboarding", "Onboarding"),
                    ("dashboard", "Privacy dashboard"),
                    ("api", "API"),
                    ("erasure", "Account deletion"),
                    ("restored", "Restored after a cancelled account deletion"),
                ],
                max_length=12,
            ),
        ),
    ]
