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


def moderators_group(Group, Permission):
    """Create the group with its permissions, or complete it. Also called by tests, after a
    transactional test's flush emptied the tables (permissions are made again, groups not)."""
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


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations ran; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    moderators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


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
