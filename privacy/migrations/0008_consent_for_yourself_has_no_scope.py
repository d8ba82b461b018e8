from django.conf import settings
from django.db import migrations, models

FOR_YOURSELF = ["offers", "personalization"]


def drop_scopes_of_purposes_for_yourself(apps, schema_editor):
    """Grants of a purpose for the person alone lose the audience they never had; the ledger
    keeps what was recorded at the time."""
    ConsentState = apps.get_model("privacy", "ConsentState")
    states = ConsentState.objects.filter(purpose__in=FOR_YOURSELF)
    ConsentState.circles.through.objects.filter(consentstate__in=states).delete()
    states.update(scope="")


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0007_noisy_releases"),
        ("social", "0008_post_tag_topic_declared"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="consentstate",
            name="scope",
            field=models.CharField(
                blank=True,
                choices=[
                    ("circles", "Chosen circles"),
                    ("friends", "Friends"),
                    ("fof", "Friends of friends"),
                ],
                help_text="Blank for a purpose for you alone.",
                max_length=10,
            ),
        ),
        migrations.RunPython(drop_scopes_of_purposes_for_yourself, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="consentstate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("purpose__in", FOR_YOURSELF), ("scope", "")),
                    models.Q(
                        models.Q(("purpose__in", FOR_YOURSELF), _negated=True),
                        ("scope__in", ["circles", "friends", "fof"]),
                    ),
                    _connector="OR",
                ),
                name="consent_state_scope_fits_purpose",
            ),
        ),
    ]
