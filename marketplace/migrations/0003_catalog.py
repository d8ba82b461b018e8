"""The starting catalog: a category tree, common brands and well-known product models.

Categories are linked to the social topic with the same meaning (`social` 0002_topics), so
"friends who talked about bikes" meets "listings in Bikes". The lists are frozen here on purpose:
a migration must mean the same thing whenever it runs. Staff extend the catalog in the admin.
Reversing removes only what this migration added and nothing refers to any more.
"""

from django.db import migrations

# (slug, name, topic slug or None, children: [(slug, name, topic slug or None)])
CATEGORIES = [
    (
        "bikes",
        "Bikes",
        "bikes",
        [
            ("mountain-bikes", "Mountain bikes", "bikes"),
            ("road-bikes", "Road bikes", "bikes"),
            ("gravel-bikes", "Gravel bikes", "bikes"),
            ("city-folding-bikes", "City & folding bikes", "bikes"),
            ("kids-bikes", "Kids' bikes", "bikes"),
            ("e-bikes", "E-bikes", "bikes"),
            ("bike-parts-accessories", "Bike parts & accessories", "bike-accessories"),
        ],
    ),
    (
        "electronics",
        "Electronics",
        None,
        [
            ("phones", "Phones", "phones"),
            ("laptops", "Laptops", "laptops"),
            ("tablets", "Tablets & e-readers", "tablets"),
            ("cameras", "Cameras", "cameras"),
            ("audio", "Audio", "headphones"),
        ],
    ),
    (
        "home",
        "Home",
        None,
        [
            ("furniture", "Furniture", "furniture"),
            ("sofas", "Sofas", "sofas"),
            ("kitchen", "Kitchen", "kitchen"),
            ("coffee-machines", "Coffee machines", "coffee-machines"),
            ("tools-diy", "Tools & DIY", "tools"),
            ("garden", "Garden", "garden"),
        ],
    ),
    (
        "clothing",
        "Clothing",
        None,
        [
            ("women", "Women", None),
            ("men", "Men", None),
            ("kids-clothes", "Kids' clothes", "kids-clothes"),
            ("coats-jackets", "Coats & jackets", "coats-jackets"),
        ],
    ),
    (
        "kids",
        "Kids",
        None,
        [
            ("strollers-prams", "Strollers & prams", "strollers"),
            ("toys", "Toys", "toys"),
            ("car-seats", "Car seats", "strollers"),
        ],
    ),
    ("books", "Books", "books", []),
    (
        "sports",
        "Sports",
        None,
        [
            ("running", "Running", "running-shoes"),
            ("hiking", "Hiking", "hiking-boots"),
            ("camping", "Camping", "camping-gear"),
            ("climbing", "Climbing", "climbing-gear"),
            ("skiing-snowboarding", "Skiing & snowboarding", "skis"),
            ("fitness", "Fitness", "fitness"),
        ],
    ),
    (
        "music",
        "Music",
        None,
        [
            ("guitars", "Guitars", "guitars"),
            ("keyboards", "Keyboards & pianos", "guitars"),
            ("vinyl-turntables", "Vinyl & turntables", "vinyl"),
        ],
    ),
    (
        "games",
        "Games",
        None,
        [
            ("board-games", "Board games", "board-games"),
            ("video-games", "Video games & consoles", "game-consoles"),
        ],
    ),
]

# (slug, name)
BRANDS = [
    ("trek", "Trek"),
    ("specialized", "Specialized"),
    ("giant", "Giant"),
    ("cannondale", "Cannondale"),
    ("decathlon-btwin", "Decathlon/Btwin"),
    ("brompton", "Brompton"),
    ("cube", "Cube"),
    ("apple", "Apple"),
    ("samsung", "Samsung"),
    ("google", "Google"),
    ("fairphone", "Fairphone"),
    ("lenovo", "Lenovo"),
    ("dell", "Dell"),
    ("kobo", "Kobo"),
    ("canon", "Canon"),
    ("nikon", "Nikon"),
    ("sony", "Sony"),
    ("fujifilm", "Fujifilm"),
    ("bose", "Bose"),
    ("ikea", "IKEA"),
    ("delonghi", "De'Longhi"),
    ("sage", "Sage"),
    ("bugaboo", "Bugaboo"),
    ("stokke", "Stokke"),
    ("cybex", "Cybex"),
    ("lego", "LEGO"),
    ("patagonia", "Patagonia"),
    ("the-north-face", "The North Face"),
    ("salomon", "Salomon"),
    ("hoka", "Hoka"),
    ("msr", "MSR"),
    ("black-diamond", "Black Diamond"),
    ("fender", "Fender"),
    ("yamaha", "Yamaha"),
    ("nintendo", "Nintendo"),
]

# (slug, brand slug, name, category slug)
PRODUCTS = [
    ("trek-marlin-7", "trek", "Marlin 7", "mountain-bikes"),
    ("trek-fx-3", "trek", "FX 3", "city-folding-bikes"),
    ("trek-domane-al-2", "trek", "Domane AL 2", "road-bikes"),
    ("specialized-rockhopper", "specialized", "Rockhopper", "mountain-bikes"),
    ("specialized-allez", "specialized", "Allez", "road-bikes"),
    ("specialized-diverge", "specialized", "Diverge", "gravel-bikes"),
    ("giant-talon-3", "giant", "Talon 3", "mountain-bikes"),
    ("giant-tcr-advanced", "giant", "TCR Advanced", "road-bikes"),
    ("cannondale-topstone", "cannondale", "Topstone", "gravel-bikes"),
    ("btwin-rockrider-st-520", "decathlon-btwin", "Rockrider ST 520", "mountain-bikes"),
    ("btwin-riverside-500", "decathlon-btwin", "Riverside 500", "city-folding-bikes"),
    ("btwin-kids-bike-16", "decathlon-btwin", "Kids' bike 16\"", "kids-bikes"),
    ("brompton-c-line", "brompton", "C Line", "city-folding-bikes"),
    ("brompton-electric", "brompton", "Electric", "e-bikes"),
    ("cube-kathmandu-hybrid", "cube", "Kathmandu Hybrid", "e-bikes"),
    ("apple-iphone-13", "apple", "iPhone 13", "phones"),
    ("apple-iphone-12", "apple", "iPhone 12", "phones"),
    ("apple-macbook-air-m1", "apple", "MacBook Air M1", "laptops"),
    ("apple-ipad-air", "apple", "iPad Air", "tablets"),
    ("apple-airpods-pro", "apple", "AirPods Pro", "audio"),
    ("samsung-galaxy-s21", "samsung", "Galaxy S21", "phones"),
    ("google-pixel-7", "google", "Pixel 7", "phones"),
    ("fairphone-4", "fairphone", "Fairphone 4", "phones"),
    ("lenovo-thinkpad-x1-carbon", "lenovo", "ThinkPad X1 Carbon", "laptops"),
    ("dell-xps-13", "dell", "XPS 13", "laptops"),
    ("kobo-clara-hd", "kobo", "Clara HD", "tablets"),
    ("canon-eos-r6", "canon", "EOS R6", "cameras"),
    ("nikon-z6-ii", "nikon", "Z6 II", "cameras"),
    ("sony-a7-iii", "sony", "A7 III", "cameras"),
    ("fujifilm-x-t3", "fujifilm", "X-T3", "cameras"),
    ("sony-wh-1000xm4", "sony", "WH-1000XM4", "audio"),
    ("bose-quietcomfort-45", "bose", "QuietComfort 45", "audio"),
    ("ikea-kallax", "ikea", "Kallax", "furniture"),
    ("ikea-ektorp", "ikea", "Ektorp", "sofas"),
    ("delonghi-dedica", "delonghi", "Dedica EC685", "coffee-machines"),
    ("sage-barista-express", "sage", "Barista Express", "coffee-machines"),
    ("bugaboo-fox", "bugaboo", "Fox", "strollers-prams"),
    ("stokke-xplory", "stokke", "Xplory", "strollers-prams"),
    ("cybex-sirona", "cybex", "Sirona", "car-seats"),
    ("lego-city-fire-station", "lego", "City Fire Station", "toys"),
    ("patagonia-nano-puff", "patagonia", "Nano Puff Jacket", "coats-jackets"),
    ("the-north-face-nuptse", "the-north-face", "Nuptse Jacket", "coats-jackets"),
    ("salomon-speedcross", "salomon", "Speedcross", "running"),
    ("hoka-clifton", "hoka", "Clifton", "running"),
    ("msr-hubba-hubba", "msr", "Hubba Hubba NX", "camping"),
    ("black-diamond-momentum", "black-diamond", "Momentum harness", "climbing"),
    ("salomon-qst", "salomon", "QST 92", "skiing-snowboarding"),
    ("fender-stratocaster", "fender", "Stratocaster", "guitars"),
    ("yamaha-p-45", "yamaha", "P-45", "keyboards"),
    ("nintendo-switch", "nintendo", "Switch", "video-games"),
]


def add_catalog(apps, schema_editor):
    Category = apps.get_model("marketplace", "Category")
    Brand = apps.get_model("marketplace", "Brand")
    ProductModel = apps.get_model("marketplace", "ProductModel")
    Topic = apps.get_model("social", "Topic")
    topics = dict(Topic.objects.values_list("slug", "pk"))
    categories = dict(Category.objects.values_list("slug", "pk"))

    def category(slug, name, topic, parent_id, position):
        if slug not in categories:
            categories[slug] = Category.objects.create(
                slug=slug,
                name=name,
                parent_id=parent_id,
                topic_id=topics.get(topic) if topic else None,
                position=position,
            ).pk
        return categories[slug]

    for position, (slug, name, topic, children) in enumerate(CATEGORIES):
        parent_id = category(slug, name, topic, None, position)
        for child_position, (child_slug, child_name, child_topic) in enumerate(children):
            category(child_slug, child_name, child_topic, parent_id, child_position)

    brands = dict(Brand.objects.values_list("slug", "pk"))
    for slug, name in BRANDS:
        if slug not in brands:
            brands[slug] = Brand.objects.create(slug=slug, name=name).pk

    existing = set(ProductModel.objects.values_list("slug", flat=True))
    ProductModel.objects.bulk_create(
        ProductModel(slug=slug, brand_id=brands[brand], name=name, category_id=categories[cat])
        for slug, brand, name, cat in PRODUCTS
        if slug not in existing
    )


def remove_catalog(apps, schema_editor):
    Category = apps.get_model("marketplace", "Category")
    Brand = apps.get_model("marketplace", "Brand")
    ProductModel = apps.get_model("marketplace", "ProductModel")
    ProductModel.objects.filter(
        slug__in=[slug for slug, *_ in PRODUCTS],
        listings__isnull=True,
        purchases__isnull=True,
        reviews__isnull=True,
    ).delete()
    Brand.objects.filter(
        slug__in=[slug for slug, _ in BRANDS],
        products__isnull=True,
        listings__isnull=True,
        purchases__isnull=True,
    ).delete()
    children = [slug for *_, kids in CATEGORIES for slug, _, _ in kids]
    roots = [slug for slug, *_ in CATEGORIES]
    for slugs in (children, roots):
        Category.objects.filter(
            slug__in=slugs,
            children__isnull=True,
            products__isnull=True,
            listings__isnull=True,
            purchases__isnull=True,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0002_listing_search_vector"),
        ("social", "0002_topics"),
    ]

    operations = [migrations.RunPython(add_catalog, remove_catalog)]
