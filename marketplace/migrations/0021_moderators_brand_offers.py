"""Moderators also look at and hide brands' sponsored offers."""

import importlib

from django.db import migrations

moderators = importlib.import_module("marketplace.migrations.0004_moderators_group")
PERMISSIONS = {"marketplace": {"brandoffer": ("view", "change")}}


def moderators_group(Group, Permission):
    """The group with these permissions too (for tests, after a flush: `moderators()`)."""
    return moderators.moderators_group(Group, Permission, PERMISSIONS)


def add_permissions(apps, schema_editor):
    moderators.grant_moderators(apps, PERMISSIONS)


def remove_permissions(apps, schema_editor):
    moderators.revoke_moderators(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0020_brand_offers")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
