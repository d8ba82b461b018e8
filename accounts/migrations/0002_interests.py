"""The interests people can declare on their profile.

The profile form and the API offer only interests that exist, so a fresh site needs a sensible
list from the start, not only in the demo. The list is frozen here on purpose: a migration must
mean the same thing whenever it runs. Admins add more through the admin.
"""

from django.db import migrations

INTERESTS = [
    ("board-games", "Board games"),
    ("books", "Books"),
    ("camping", "Camping"),
    ("climbing", "Climbing"),
    ("coffee", "Coffee"),
    ("cooking", "Cooking"),
    ("crafts", "Crafts & making"),
    ("cycling", "Cycling"),
    ("fashion", "Fashion"),
    ("film", "Film"),
    ("football", "Football"),
    ("gaming", "Gaming"),
    ("gardening", "Gardening"),
    ("hiking", "Hiking"),
    ("home-diy", "Home & DIY"),
    ("kids-parenting", "Kids & parenting"),
    ("music", "Music"),
    ("pets", "Pets"),
    ("photography", "Photography"),
    ("running", "Running"),
    ("skiing", "Skiing"),
    ("tech-gadgets", "Tech & gadgets"),
    ("travel", "Travel"),
    ("vintage", "Vintage & collecting"),
    ("yoga", "Yoga"),
]


def add_interests(apps, schema_editor):
    Interest = apps.get_model("accounts", "Interest")
    existing_slugs = set(Interest.objects.values_list("slug", flat=True))
    existing_names = set(Interest.objects.values_list("name", flat=True))
    Interest.objects.bulk_create(
        Interest(slug=slug, name=name)
        for slug, name in INTERESTS
        if slug not in existing_slugs and name not in existing_names
    )


def remove_interests(apps, schema_editor):
    Interest = apps.get_model("accounts", "Interest")
    Interest.objects.filter(slug__in=[slug for slug, _ in INTERESTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_interests, remove_interests),
    ]
