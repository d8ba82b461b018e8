"""The "Moderators" group: staff who work the report queue without being superusers.

They may look at and change reports, listings, reviews, posts, comments and accounts (to hide,
restore and suspend), look at the rest of the marketplace catalog (for the admin's autocomplete)
and read the audit log. They may delete nothing: not content, not consent records, not audit
events.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = {
    "marketplace": {
        "report": ("view", "change"),
        "listing": ("view", "change"),
        "review": ("view", "change"),
        "category": ("view",),
        "brand": ("view",),
        "productmodel": ("view",),
        "listingphoto": ("view",),
        "question": ("view",),
        "conversation": ("view",),
        "message": ("view",),
        "offer": ("view",),
        "purchase": ("view",),
        "rating": ("view",),
        "helpfulvote": ("view",),
    },
    "social": {"post": ("view", "change"), "comment": ("view", "change")},
    "accounts": {"user": ("view", "change"), "profile": ("view",)},
    "privacy": {"auditevent": ("view",)},
}


def moderators_group(Group, Permission, permissions=PERMISSIONS):
    """Create the group with `permissions` (by app, model and action), or complete it. Later
    migrations give it more through here; tests call it after a transactional test's flush
    emptied the tables (permissions are made again, groups not)."""
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, models in permissions.items()
            for model, actions in models.items()
            for codename in (f"{action}_{model}" for action in actions)
        ]
    )
    return group


def grant_moderators(apps, permissions) -> None:
    """`moderators_group` inside a migration: its permissions made first, as they are normally
    made only after all migrations ran."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    moderators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), permissions)


def revoke_moderators(apps, permissions) -> None:
    """Take `permissions` back from the group (a later migration undone)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    for app_label, models in permissions.items():
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def create_group(apps, schema_editor):
    grant_moderators(apps, PERMISSIONS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0003_catalog"),
        ("social", "0003_post_comment_hidden"),
        ("accounts", "0002_interests"),
        ("privacy", "0003_exports_in_private_storage"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
