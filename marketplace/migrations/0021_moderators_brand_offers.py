"""Moderators also look at and hide brands' sponsored offers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = {"marketplace": {"brandoffer": ("view", "change")}}


def moderators_group(Group, Permission):
    """Give the group these permissions (the group itself is migration 0004's)."""
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, models in PERMISSIONS.items()
            for model, actions in models.items()
            for codename in (f"{action}_{model}" for action in actions)
        ]
    )
    return group


def add_permissions(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    moderators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="marketplace",
                codename__in=[
                    f"{action}_{model}"
                    for model, actions in PERMISSIONS["marketplace"].items()
                    for action in actions
                ],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0020_brand_offers")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
