"""The topics posts are tagged with, so "friends who talked about bikes" works on a fresh site.

Each topic lists the lower-case words and phrases that mention it (`social.topics.topics_in`
matches single words whole, plural or singular, and longer keywords as phrases). The marketplace
maps its categories onto these slugs. The list is frozen here on purpose: a migration must mean
the same thing whenever it runs. Admins add or refine topics through the admin; removing the
migration deletes only the topics it added and that still carry its slug.
"""

from django.db import migrations

TOPICS = [
    (
        "bikes",
        "Bikes",
        [
            "bike",
            "bicycle",
            "cycling",
            "mountain bike",
            "road bike",
            "gravel bike",
            "e-bike",
            "ebike",
            "cargo bike",
            "balance bike",
            "bmx",
        ],
    ),
    (
        "bike-accessories",
        "Bike parts & accessories",
        [
            "bike helmet",
            "cycling helmet",
            "pannier",
            "bike light",
            "bike lock",
            "turbo trainer",
            "saddle",
            "derailleur",
            "groupset",
            "cleats",
            "bike rack",
        ],
    ),
    (
        "phones",
        "Phones",
        ["phone", "smartphone", "iphone", "android", "mobile phone", "galaxy s", "fairphone"],
    ),
    (
        "laptops",
        "Laptops",
        ["laptop", "macbook", "thinkpad", "chromebook", "ultrabook", "gaming laptop"],
    ),
    ("tablets", "Tablets & e-readers", ["tablet", "ipad", "e-reader", "kindle", "kobo"]),
    (
        "cameras",
        "Cameras",
        [
            "camera",
            "dslr",
            "mirrorless",
            "lens",
            "film camera",
            "point-and-shoot",
            "camcorder",
            "gopro",
        ],
    ),
    (
        "headphones",
        "Headphones & speakers",
        ["headphones", "earbuds", "airpods", "noise cancelling", "speaker", "soundbar"],
    ),
    (
        "game-consoles",
        "Game consoles",
        ["console", "playstation", "xbox", "nintendo", "steam deck", "game boy"],
    ),
    (
        "vinyl",
        "Vinyl & turntables",
        ["vinyl", "record player", "turntable", "record collection", "lp"],
    ),
    (
        "guitars",
        "Guitars & instruments",
        ["guitar", "ukulele", "bass guitar", "amp", "digital piano", "piano", "drum kit"],
    ),
    (
        "furniture",
        "Furniture",
        [
            "furniture",
            "table",
            "chair",
            "desk",
            "wardrobe",
            "bookcase",
            "bookshelf",
            "dresser",
            "chest of drawers",
            "bed frame",
            "shelving",
        ],
    ),
    ("sofas", "Sofas", ["sofa", "couch", "settee", "sofa bed", "armchair"]),
    (
        "strollers",
        "Strollers & prams",
        ["stroller", "pram", "pushchair", "buggy", "travel system", "car seat"],
    ),
    (
        "kids-clothes",
        "Kids' clothes",
        [
            "kids' clothes",
            "kids clothes",
            "baby clothes",
            "toddler clothes",
            "onesie",
            "babygrow",
            "school uniform",
        ],
    ),
    ("toys", "Toys", ["toy", "lego", "duplo", "playmobil", "wooden toys", "doll's house"]),
    ("books", "Books", ["book", "novel", "paperback", "hardback", "comic", "graphic novel"]),
    (
        "running-shoes",
        "Running shoes",
        ["running shoes", "running shoe", "trail shoes", "trail runners", "racing flats"],
    ),
    (
        "hiking-boots",
        "Hiking boots",
        ["hiking boots", "hiking boot", "walking boots", "approach shoes"],
    ),
    (
        "camping-gear",
        "Camping gear",
        [
            "camping",
            "tent",
            "sleeping bag",
            "sleeping mat",
            "camping stove",
            "backpacking",
            "bivvy",
            "hammock",
        ],
    ),
    (
        "climbing-gear",
        "Climbing gear",
        [
            "climbing shoes",
            "harness",
            "crash pad",
            "quickdraws",
            "belay device",
            "chalk bag",
            "climbing rope",
        ],
    ),
    (
        "skis",
        "Skis & snowboards",
        ["ski", "skis", "ski boots", "snowboard", "ski touring", "splitboard", "ski jacket"],
    ),
    (
        "board-games",
        "Board games",
        [
            "board game",
            "boardgame",
            "board games",
            "catan",
            "carcassonne",
            "wingspan",
            "ticket to ride",
            "dixit",
        ],
    ),
    (
        "coffee-machines",
        "Coffee machines",
        [
            "espresso machine",
            "coffee machine",
            "coffee grinder",
            "burr grinder",
            "espresso",
            "moka pot",
            "aeropress",
            "french press",
            "bean-to-cup",
        ],
    ),
    (
        "kitchen",
        "Kitchen & cookware",
        [
            "cookware",
            "cast iron",
            "stand mixer",
            "food processor",
            "dutch oven",
            "frying pan",
            "knife set",
            "air fryer",
        ],
    ),
    (
        "tools",
        "Tools & DIY",
        [
            "drill",
            "power tool",
            "power tools",
            "circular saw",
            "mitre saw",
            "sander",
            "angle grinder",
            "toolbox",
            "workbench",
        ],
    ),
    (
        "garden",
        "Garden",
        [
            "lawnmower",
            "mower",
            "garden tools",
            "wheelbarrow",
            "hedge trimmer",
            "strimmer",
            "greenhouse",
        ],
    ),
    (
        "coats-jackets",
        "Coats & jackets",
        ["jacket", "coat", "raincoat", "parka", "fleece", "down jacket", "waterproof jacket"],
    ),
    (
        "fitness",
        "Fitness equipment",
        [
            "yoga mat",
            "dumbbell",
            "kettlebell",
            "treadmill",
            "rowing machine",
            "exercise bike",
            "weights bench",
        ],
    ),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("social", "Topic")
    existing = set(Topic.objects.values_list("slug", flat=True))
    Topic.objects.bulk_create(
        Topic(slug=slug, name=name, keywords=keywords)
        for slug, name, keywords in TOPICS
        if slug not in existing
    )


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("social", "Topic")
    Topic.objects.filter(slug__in=[slug for slug, _, _ in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_topics, remove_topics),
    ]
