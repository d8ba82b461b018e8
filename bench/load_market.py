"""Add the marketplace to the benchmark graph (`bench/load.py`): 500,000 listings, in bulk.

At full size (`BENCH_SCALE=1`):

- 500,000 listings around 40 real cities on five continents, each city's listings spread with a
  gaussian of about 12 km (a few wider), sold by the graph's people (busy sellers list more);
- titles and descriptions built from word lists per category (nouns, brands, adjectives,
  phrases), so the search has realistic words to find: their normal forms
  (`Listing.set_search_words`, the same `words_column`) written with them, the search vector and
  its GIN index computed by PostgreSQL from those as the rows go in;
- categories from the catalog (migration 0003); when the catalog is empty, a small tree is made;
- a mix of audiences (members, public, friends, friends of friends, nearby), of states (mostly
  active, some reserved and sold, a few drafts and withdrawn), 0.5 % hidden by moderators;
- nine listings in ten with a cover photo row (a path only: the benchmark reads rows, not files);
- every person gets a home (rounded, near one of the cities), so "nearby" and the default search
  point mean something; the viewer of the benchmarks, the graph's hub, lives in Amsterdam.

Rows go in with `COPY` (generated in Python, seeded) and `INSERT ... SELECT`; no ORM saves.
`listings_create` and `listings_transition` keep the listing rules but write each row three
times (insert, back-date, status moves, 200 rows a query for the last two): about ten times the
`COPY` step's time (`docs/decisions/bench-loaders-services.md`). Homes stay an `UPDATE`
(`profiles_update` runs each profile's constraint checks as queries of their own), photos are
paths only (`listing_photos_add` reads image files). The listings are reused when their count
matches (`BENCH_RELOAD=1` rebuilds everything).
"""

from __future__ import annotations

import io
import math
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection

from bench.load import HUB_ID, _timestamp, run_steps, start_bulk_load
from marketplace.search.words import words_column

SEED = 20240711
LISTINGS = 500_000
SPREAD_KM = 12.0
KM_PER_DEGREE = 111.32

# (name, latitude, longitude, weight): the bigger the city, the more listings.
CITIES = (
    ("Amsterdam", 52.3676, 4.9041, 3),
    ("Rotterdam", 51.9244, 4.4777, 2),
    ("Utrecht", 52.0907, 5.1214, 1),
    ("Brussels", 50.8503, 4.3517, 2),
    ("Paris", 48.8566, 2.3522, 5),
    ("Lyon", 45.7640, 4.8357, 2),
    ("London", 51.5072, -0.1276, 6),
    ("Manchester", 53.4808, -2.2426, 2),
    ("Dublin", 53.3498, -6.2603, 2),
    ("Berlin", 52.5200, 13.4050, 4),
    ("Hamburg", 53.5511, 9.9937, 2),
    ("Munich", 48.1351, 11.5820, 2),
    ("Vienna", 48.2082, 16.3738, 2),
    ("Zurich", 47.3769, 8.5417, 1),
    ("Milan", 45.4642, 9.1900, 2),
    ("Rome", 41.9028, 12.4964, 2),
    ("Madrid", 40.4168, -3.7038, 3),
    ("Barcelona", 41.3874, 2.1686, 3),
    ("Lisbon", 38.7223, -9.1393, 2),
    ("Copenhagen", 55.6761, 12.5683, 1),
    ("Stockholm", 59.3293, 18.0686, 1),
    ("Oslo", 59.9139, 10.7522, 1),
    ("Helsinki", 60.1699, 24.9384, 1),
    ("Warsaw", 52.2297, 21.0122, 2),
    ("Prague", 50.0755, 14.4378, 1),
    ("Athens", 37.9838, 23.7275, 1),
    ("Istanbul", 41.0082, 28.9784, 3),
    ("New York", 40.7128, -74.0060, 6),
    ("Chicago", 41.8781, -87.6298, 3),
    ("San Francisco", 37.7749, -122.4194, 2),
    ("Los Angeles", 34.0522, -118.2437, 4),
    ("Toronto", 43.6532, -79.3832, 3),
    ("Mexico City", 19.4326, -99.1332, 3),
    ("Sao Paulo", -23.5505, -46.6333, 4),
    ("Buenos Aires", -34.6037, -58.3816, 2),
    ("Cape Town", -33.9249, 18.4241, 1),
    ("Nairobi", -1.2921, 36.8219, 1),
    ("Tokyo", 35.6762, 139.6503, 5),
    ("Singapore", 1.3521, 103.8198, 2),
    ("Sydney", -33.8688, 151.2093, 3),
)
VIEWER_CITY = "Amsterdam"

ADJECTIVES = (
    "vintage classic lightweight sturdy compact modern retro barely-used well-loved spotless "
    "refurbished sleek cosy solid practical handmade rare sturdy foldable large small"
).split()
PHRASES = (
    "Selling because I am moving house.",
    "Used a handful of times, works perfectly.",
    "Some signs of wear, see the photos.",
    "Pick up only, cash or bank transfer.",
    "Comes with the original box and receipt.",
    "Smoke-free and pet-free home.",
    "Recently serviced, ready to go.",
    "Price is negotiable for a quick sale.",
    "Great for a beginner or as a spare.",
    "Small scratch on the side, otherwise like new.",
)
# Words per catalog slug (a root or a leaf); categories not named here use their own name.
NOUNS = {
    "bikes": "bike bicycle cycle frame".split(),
    "mountain-bikes": "mountain-bike hardtail full-suspension MTB trail-bike".split(),
    "road-bikes": "road-bike racer carbon-bike".split(),
    "gravel-bikes": "gravel-bike adventure-bike".split(),
    "city-folding-bikes": "city-bike folding-bike commuter dutch-bike".split(),
    "kids-bikes": "kids-bike balance-bike".split(),
    "e-bikes": "e-bike electric-bike pedelec".split(),
    "bike-parts-accessories": "helmet saddle wheelset pedals lock pump".split(),
    "phones": "phone smartphone".split(),
    "laptops": "laptop notebook ultrabook".split(),
    "tablets": "tablet e-reader".split(),
    "cameras": "camera lens mirrorless tripod".split(),
    "audio": "headphones speaker turntable amplifier".split(),
    "furniture": "table chair desk wardrobe bookcase lamp".split(),
    "sofas": "sofa couch armchair".split(),
    "kitchen": "pan mixer blender kettle".split(),
    "coffee-machines": "espresso-machine coffee-grinder".split(),
    "tools-diy": "drill saw toolbox sander".split(),
    "garden": "lawnmower barbecue planter".split(),
    "strollers-prams": "stroller pram buggy".split(),
    "toys": "lego puzzle dollhouse".split(),
    "books": "novel cookbook atlas".split(),
    "running": "running-shoes".split(),
    "hiking": "hiking-boots backpack tent".split(),
}
BRANDS = {
    "bikes": "Trek Giant Specialized Cannondale Gazelle Brompton Canyon Cube".split(),
    "electronics": "Apple Samsung Sony Canon Nikon Lenovo Dell Bose".split(),
    "home": "IKEA Bosch DeLonghi Philips Smeg".split(),
    "kids": "Bugaboo Maxi-Cosi Stokke LEGO".split(),
    "sports": "Nike Asics Salomon Patagonia".split(),
}
FALLBACK_TREE = {
    "bikes": ["mountain-bikes", "road-bikes", "city-folding-bikes", "e-bikes"],
    "electronics": ["phones", "laptops", "cameras", "audio"],
    "home": ["furniture", "sofas", "kitchen", "garden"],
    "kids": ["strollers-prams", "toys"],
    "books": [],
}

AUDIENCE_MIX = (
    ("members", 0.45),
    ("public", 0.15),
    ("friends", 0.15),
    ("fof", 0.10),
    ("nearby", 0.15),
)
STATUS_MIX = (
    ("active", 0.82),
    ("reserved", 0.04),
    ("sold", 0.08),
    ("draft", 0.03),
    ("withdrawn", 0.03),
)
CONDITIONS = ("new", "like_new", "good", "good", "fair", "for_parts")


@dataclass(frozen=True)
class Market:
    listings: int
    load_seconds: float
    reused: bool
    viewer_id: int
    viewer_home: tuple[float, float]
    samples: list[tuple[str, int]]  # (word, root category id) for the searches


def size_from_env() -> int:
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    return max(int(LISTINGS * scale), 20_000)


def ensure_market_loaded(people: int, *, force: bool = False, log=print) -> Market:
    """The listings, reused when already there in the number asked for, else loaded."""
    listings = size_from_env()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM marketplace_listing")
        reused = not force and cursor.fetchone()[0] == listings
    seconds = 0.0
    if not reused:
        started = time.perf_counter()
        load_market(people, listings, log=log)
        seconds = time.perf_counter() - started
    home = _home_of(HUB_ID)
    return Market(listings, seconds, reused, HUB_ID, home, _samples())


def load_market(people: int, listings: int, *, seed: int = SEED, log=print) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    with connection.cursor() as cursor:
        start_bulk_load(
            cursor,
            "TRUNCATE marketplace_listing, marketplace_listingphoto, marketplace_watch, "
            "marketplace_savedsearch RESTART IDENTITY CASCADE",
        )
        steps = (
            ("homes", lambda: _homes(cursor, people)),
            ("listings", lambda: _listings(cursor, people, listings, rng, now)),
            ("photos", lambda: _photos(cursor)),
        )
        tables = ("accounts_profile", "marketplace_listing", "marketplace_listingphoto")
        run_steps(cursor, steps, tables, log)


def _homes(cursor, people: int) -> None:
    """Everyone lives near one of the cities (rounded to 0.01°, as profiles keep it); the hub
    in Amsterdam. Deterministic offsets from the id, up to about ±15 km."""
    values = ",".join(
        f"({index}, {float(lat)}, {float(lng)})" for index, (_, lat, lng, _) in enumerate(CITIES)
    )
    cursor.execute(
        f"""
        WITH city(i, lat, lng) AS (VALUES {values})
        UPDATE accounts_profile AS p
        SET home_latitude = round(
                (city.lat + ((p.user_id * 7919) %% 271 - 135) / 1000.0)::numeric, 2),
            home_longitude = round(
                (city.lng + ((p.user_id * 104729) %% 271 - 135) / 700.0)::numeric, 2)
        FROM city WHERE city.i = p.user_id %% %s
        """,  # noqa: S608 (values are the floats of CITIES)
        [len(CITIES)],
    )
    lat, lng = next((lat, lng) for name, lat, lng, _ in CITIES if name == VIEWER_CITY)
    cursor.execute(
        "UPDATE accounts_profile SET home_latitude = %s, home_longitude = %s WHERE user_id = %s",
        [round(lat, 2), round(lng, 2), HUB_ID],
    )


def _categories(cursor) -> list[tuple[int, str, str]]:
    """Leaf categories as (id, slug, root slug); a small tree is made when there is none."""
    cursor.execute("SELECT count(*) FROM marketplace_category")
    if cursor.fetchone()[0] == 0:
        for position, (root, children) in enumerate(FALLBACK_TREE.items()):
            cursor.execute(
                "INSERT INTO marketplace_category (name, slug, parent_id, position) "
                "VALUES (%s, %s, NULL, %s) RETURNING id",
                [root.replace("-", " ").capitalize(), root, position],
            )
            parent = cursor.fetchone()[0]
            for child_position, child in enumerate(children):
                cursor.execute(
                    "INSERT INTO marketplace_category (name, slug, parent_id, position) "
                    "VALUES (%s, %s, %s, %s)",
                    [child.replace("-", " ").capitalize(), child, parent, child_position],
                )
    cursor.execute("SELECT id, slug, name, parent_id FROM marketplace_category")
    rows = cursor.fetchall()
    by_id = {pk: (slug, name, parent) for pk, slug, name, parent in rows}
    parents = {parent for _, _, _, parent in rows if parent is not None}

    def root_of(pk: int) -> str:
        while by_id[pk][2] is not None:
            pk = by_id[pk][2]
        return by_id[pk][0]

    return [(pk, slug, root_of(pk)) for pk, (slug, _, _) in by_id.items() if pk not in parents]


def _words_for(slug: str, root: str, name_of: dict[str, str]) -> list[str]:
    nouns = NOUNS.get(slug) or NOUNS.get(root)
    if nouns:
        return [noun.replace("-", " ") for noun in nouns]
    return [name_of.get(slug, slug.replace("-", " ")).lower().rstrip("s")]


def _listings(cursor, people: int, count: int, rng: random.Random, now: datetime) -> None:
    leaves = _categories(cursor)
    cursor.execute("SELECT slug, name FROM marketplace_category")
    name_of = dict(cursor.fetchall())
    words = {pk: _words_for(slug, root, name_of) for pk, slug, root in leaves}
    brands = {pk: BRANDS.get(root, []) for pk, _, root in leaves}
    leaf_ids = [pk for pk, _, _ in leaves]
    cities = [(name, lat, lng) for name, lat, lng, _ in CITIES]
    city_weights = [weight for *_, weight in CITIES]
    audiences = [name for name, _ in AUDIENCE_MIX]
    audience_weights = [share for _, share in AUDIENCE_MIX]
    statuses = [name for name, _ in STATUS_MIX]
    status_weights = [share for _, share in STATUS_MIX]
    buffer = io.StringIO()
    for pk in range(1, count + 1):
        category = rng.choice(leaf_ids)
        noun = rng.choice(words[category])
        brand = rng.choice(brands[category]) if brands[category] and rng.random() < 0.5 else ""
        adjective = rng.choice(ADJECTIVES).replace("-", " ")
        title = " ".join(part for part in (adjective.capitalize(), brand, noun) if part)
        description = " ".join(
            [f"{adjective.capitalize()} {noun} for sale."]
            + rng.sample(PHRASES, 2)
            + ([f"Made by {brand}."] if brand else [])
        )
        name, lat, lng = rng.choices(cities, city_weights)[0]
        spread = SPREAD_KM * (3 if rng.random() < 0.1 else 1)
        lat = min(max(lat + rng.gauss(0, spread) / KM_PER_DEGREE, -89.9), 89.9)
        lng += rng.gauss(0, spread) / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.05))
        lng = (lng + 180) % 360 - 180
        status = rng.choices(statuses, status_weights)[0]
        published = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
        # Busy sellers list more: a skewed pick over the graph's people.
        seller = 1 + int(people * rng.random() ** 2.5)
        price = round(rng.lognormvariate(4.5, 1.1), 0)
        row = (
            pk,
            seller,
            title[:120],
            description,
            category,
            rng.choice(CONDITIONS),
            f"{min(price, 999_999):.2f}",
            "EUR",
            name,
            f"{lat:.5f}",
            f"{lng:.5f}",
            rng.choices(audiences, audience_weights)[0],
            rng.choice((5, 10, 25, 50)),
            status,
            "t" if rng.random() < 0.005 else "f",
            _timestamp(published),
            _timestamp(published),
            "\\N" if status == "draft" else _timestamp(published),
            _timestamp(published + timedelta(days=3)) if status == "sold" else "\\N",
            words_column(title[:120]),
            words_column(description),
            "",  # brand_name, model_name: the brand is the catalog's or none
            "",
            "t",  # pickup
            "f",  # shipping
        )
        buffer.write("\t".join(str(value) for value in row) + "\n")
    buffer.seek(0)
    columns = (
        "id, seller_id, title, description, category_id, condition, price, currency, place, "
        "latitude, longitude, audience, nearby_radius_km, status, hidden, created_at, "
        "updated_at, published_at, sold_at, title_words, body_words, brand_name, model_name, "
        "pickup, shipping"
    )
    cursor.copy_expert(f"COPY marketplace_listing ({columns}) FROM STDIN", buffer)  # noqa: S608
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('marketplace_listing', 'id'), "
        "(SELECT max(id) FROM marketplace_listing))"
    )


def _photos(cursor) -> None:
    cursor.execute(
        """
        INSERT INTO marketplace_listingphoto (listing_id, image, thumbnail, position, created_at)
        SELECT id, 'listings/bench-' || id || '.jpg', 'listings/bench-' || id || '-thumb.jpg',
               0, created_at
        FROM marketplace_listing WHERE id % 10 <> 0
        """
    )


def _home_of(user_id: int) -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT home_latitude, home_longitude FROM accounts_profile WHERE user_id = %s",
            [user_id],
        )
        lat, lng = cursor.fetchone()
    return float(lat), float(lng)


def _samples() -> list[tuple[str, int]]:
    """Words people search for, each with the root category it belongs to."""
    wanted = [
        ("bike", "bikes"),
        ("mountain bike", "bikes"),
        ("trek", "bikes"),
        ("electric bike", "bikes"),
        ("camera", "electronics"),
        ("laptop", "electronics"),
        ("sofa", "home"),
        ("vintage lamp", "home"),
        ("stroller", "kids"),
        ("novel", "books"),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug, id FROM marketplace_category WHERE parent_id IS NULL")
        roots = dict(cursor.fetchall())
    return [(word, roots[root]) for word, root in wanted if root in roots]
