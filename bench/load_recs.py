"""Add what recommendations read to the benchmark graph (`bench/load.py`): reviews, purchases,
helpful votes and consents, in bulk.

At full size (`BENCH_SCALE=1`):

- 2,000 product models: the catalog's own (migration 0003) plus synthetic ones, spread over every
  leaf category with the brands the catalog already names for its branch;
- 1,000,000 reviews and 1,000,000 purchases over the last two years, by people drawn by how
  social they are (their number of friends), of models drawn with a skew (a few models are
  popular). Reviews: one per person and model, mostly to friends (some public, friends of
  friends, members), 0.5 % hidden by moderators, four in five recommending, each resting on a
  purchase of the model its author declared first (`purchases_declare`: one more declared
  purchase per review). Purchases: three in ten bought here (verified, with a seller), the rest
  declared; one in five declared without a model, by category only;
- 300,000 helpful votes on those reviews;
- consents as people give them: six in ten allow `social_proof` (friends or friends of friends),
  half allow `influence`, three in ten `insights`; each a ledger record and its current state.

Rows go in with `COPY` (generated in Python, seeded) and `INSERT ... SELECT`, but for the
reviews' purchases, declared through `purchases_declare`
(`docs/decisions/bench-loaders-services.md` has the measured seconds). `reviews_create` keeps
the review rules but back-dates every row with `bulk_update` (200 rows a query): about twenty
times the `COPY` step's time. `helpful_votes_create` refuses a vote on a review the voter may
not see (much of the random draw), `purchases_declare` takes declared purchases only (three in
ten here are bought on Bazaar), and consents are granted one at a time (`consent_grant`, a
ledger record each). They are reused when their counts match; `BENCH_RELOAD=1` rebuilds
everything.
"""

from __future__ import annotations

import io
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection

from bench.load import SHOPPER_ID, _timestamp, run_steps, start_bulk_load
from marketplace.models import Brand, Category, ProductModel
from marketplace.services.purchases import DeclaredPurchase, purchases_declare

SEED = 20240901
PRODUCT_MODELS = 2_000
REVIEWS = 1_000_000
PURCHASES = 1_000_000
HELPFUL_VOTES = 300_000
DECLARE_CHUNK = 20_000  # reviews' purchases declared per `purchases_declare` call
REVIEW_AUDIENCES = (("friends", 0.5), ("public", 0.2), ("fof", 0.2), ("members", 0.1))
TITLES = ("Does the job", "Love it", "Solid choice", "Not for me", "Great value", "Would buy again")
TEXTS = (
    "Used it every day for months, still going strong.",
    "Good for the price, a few rough edges.",
    "Exactly what I needed, easy to live with.",
    "Returned the first one, the second was fine.",
    "Better than the one it replaced.",
)
# Consents: (purpose, share of people, scopes to choose from).
CONSENTS = (
    ("social_proof", 0.6, ("friends", "fof")),
    ("influence", 0.5, ("fof",)),
    ("insights", 0.3, ("friends", "fof")),
)


@dataclass(frozen=True)
class Recs:
    reviews: int
    purchases: int
    load_seconds: float
    reused: bool
    shopper_id: int


def sizes_from_env() -> tuple[int, int, int]:
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    return (
        max(int(REVIEWS * scale), 20_000),
        max(int(PURCHASES * scale), 20_000),
        max(int(HELPFUL_VOTES * scale), 5_000),
    )


def ensure_recs_loaded(people: int, *, force: bool = False, log=print) -> Recs:
    reviews, purchases, votes = sizes_from_env()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM marketplace_review), "
            "(SELECT count(*) FROM marketplace_purchase)"
        )
        # Each review rests on a purchase declared for it, beside the purchases drawn.
        reused = not force and cursor.fetchone() == (reviews, purchases + reviews)
    seconds = 0.0
    if not reused:
        started = time.perf_counter()
        load_recs(people, reviews, purchases, votes, log=log)
        seconds = time.perf_counter() - started
    return Recs(reviews, purchases, seconds, reused, SHOPPER_ID)


def load_recs(people: int, reviews: int, purchases: int, votes: int, *, log=print) -> None:
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(microsecond=0)
    with connection.cursor() as cursor:
        start_bulk_load(
            cursor,
            "TRUNCATE marketplace_helpfulvote, marketplace_review, marketplace_rating, "
            "marketplace_purchase, privacy_consentstate_circles, privacy_consentstate, "
            "privacy_consentrecord, privacy_usagecount, recommendations_influencescore, "
            "recommendations_influencereach, recommendations_influencechange, "
            "recommendations_influencerun RESTART IDENTITY CASCADE",
        )
        weights = _sociability(cursor, people)
        steps = (
            ("product models", lambda: _product_models(cursor)),
            ("reviews", lambda: _reviews(cursor, weights, reviews, rng, now)),
            ("purchases", lambda: _purchases(cursor, weights, purchases, rng, now)),
            ("helpful votes", lambda: _votes(cursor, weights, votes, rng, now)),
            ("consents", lambda: _consents(cursor, now)),
        )
        tables = (
            "marketplace_productmodel",
            "marketplace_review",
            "marketplace_purchase",
            "marketplace_helpfulvote",
            "privacy_consentrecord",
            "privacy_consentstate",
        )
        run_steps(cursor, steps, tables, log)


def _sociability(cursor, people: int) -> list[float]:
    """Weight of person i + 1: their number of friends (the lonely still buy now and then)."""
    weights = [1.0] * people
    cursor.execute("SELECT user_id, count(*) FROM social_friendship GROUP BY user_id")
    for user_id, degree in cursor.fetchall():
        weights[user_id - 1] = float(degree)
    return weights


def _product_models(cursor) -> None:
    """Synthetic models up to `PRODUCT_MODELS`, each leaf category with its branch's brands."""
    cursor.execute("SELECT count(*) FROM marketplace_productmodel")
    existing = cursor.fetchone()[0]
    cursor.execute(
        """
        WITH RECURSIVE tree AS (
            SELECT id, id AS root FROM marketplace_category WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, tree.root FROM marketplace_category AS c JOIN tree ON c.parent_id = tree.id
        )
        SELECT tree.id, tree.root FROM tree
        WHERE NOT EXISTS (SELECT 1 FROM marketplace_category AS k WHERE k.parent_id = tree.id)
        ORDER BY tree.id
        """
    )
    leaves = cursor.fetchall()
    cursor.execute(
        """
        WITH RECURSIVE tree AS (
            SELECT id, id AS root FROM marketplace_category WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, tree.root FROM marketplace_category AS c JOIN tree ON c.parent_id = tree.id
        )
        SELECT DISTINCT tree.root, p.brand_id FROM marketplace_productmodel AS p
        JOIN tree ON tree.id = p.category_id ORDER BY 1, 2
        """
    )
    brands_of: dict[int, list[int]] = {}
    for root, brand in cursor.fetchall():
        brands_of.setdefault(root, []).append(brand)
    cursor.execute("SELECT id FROM marketplace_brand ORDER BY id")
    every_brand = [row[0] for row in cursor.fetchall()]
    buffer = io.StringIO()
    for number in range(PRODUCT_MODELS - existing):
        category, root = leaves[number % len(leaves)]
        brands = brands_of.get(root) or every_brand
        brand = brands[number % len(brands)]
        buffer.write(f"{brand}\tModel {number + 1}\tbench-model-{number + 1}\t{category}\n")
    buffer.seek(0)
    cursor.copy_expert(
        "COPY marketplace_productmodel (brand_id, name, slug, category_id) FROM STDIN", buffer
    )


def _models(cursor) -> list[tuple[int, int, int]]:
    cursor.execute("SELECT id, category_id, brand_id FROM marketplace_productmodel ORDER BY id")
    return cursor.fetchall()


def _skewed(rng: random.Random, count: int) -> int:
    """An index in [0, count): low ones far more often (popular models)."""
    return min(int(count * rng.random() ** 2), count - 1)


def _reviews(cursor, weights, count: int, rng: random.Random, now: datetime) -> None:
    """One review per drawn (person, model), each resting on a purchase its author declares
    first through `purchases_declare` (a review rests on a purchase), some days before it."""
    models = _models(cursor)
    people = range(1, len(weights) + 1)
    audiences = [name for name, _ in REVIEW_AUDIENCES]
    audience_weights = [share for _, share in REVIEW_AUDIENCES]
    keys: set[tuple[int, int]] = set()
    drawn: list[tuple[int, tuple[int, int, int], datetime, str]] = []
    two_years = 2 * 365 * 86400
    while len(keys) < count:
        for author in rng.choices(people, weights=weights, k=min(100_000, count - len(keys))):
            model = models[_skewed(rng, len(models))]
            if (author, model[0]) in keys:
                continue
            keys.add((author, model[0]))
            at = now - timedelta(seconds=rng.randrange(two_years))
            rating = rng.choices((1, 2, 3, 4, 5), (1, 1, 2, 4, 4))[0]
            line = (
                f"{rating}\t{rng.choice(TITLES)}\t{rng.choice(TEXTS)}\t"
                f"{'t' if rating >= 3 and rng.random() < 0.95 else 'f'}\t"
                f"{rng.choices(audiences, audience_weights)[0]}\t"
                f"{'t' if rng.random() < 0.005 else 'f'}\t{_timestamp(at)}\t{_timestamp(at)}\n"
            )
            drawn.append((author, model, at, line))
    purchase_ids = _declared_for_reviews(drawn, random.Random(SEED + 1))
    buffer = io.StringIO()
    write = buffer.write
    for (author, (model_id, _, _), _, line), purchase in zip(drawn, purchase_ids, strict=True):
        write(f"{author}\t{model_id}\t{purchase}\t\t{line}")  # no model name: a catalog model
    buffer.seek(0)
    cursor.copy_expert(
        "COPY marketplace_review (author_id, product_model_id, purchase_id, model_name, rating, "
        "title, text, would_recommend, audience, hidden, created_at, updated_at) FROM STDIN",
        buffer,
    )


def _declared_for_reviews(
    drawn: list[tuple[int, tuple[int, int, int], datetime, str]], rng: random.Random
) -> list[int]:
    """Each review's purchase, declared by its author through `purchases_declare` (in chunks,
    each its own bulk insert); their ids, in order. The rows carry only ids: no catalog read."""
    ids: list[int] = []
    for start in range(0, len(drawn), DECLARE_CHUNK):
        rows = [
            DeclaredPurchase(
                buyer_id=author,
                category=Category(pk=category),
                product_model=ProductModel(pk=model, category_id=category, brand_id=brand),
                brand=Brand(pk=brand),
                purchased_on=(at - timedelta(days=rng.randint(1, 200))).date(),
            )
            for author, (model, category, brand), at, _ in drawn[start : start + DECLARE_CHUNK]
        ]
        ids += [purchase.pk for purchase in purchases_declare(purchases=rows)]
    return ids


def _purchases(cursor, weights, count: int, rng: random.Random, now: datetime) -> None:
    models = _models(cursor)
    people = range(1, len(weights) + 1)
    buffer = io.StringIO()
    write = buffer.write
    two_years = 2 * 365 * 86400
    model: int | None
    for buyer in rng.choices(people, weights=weights, k=count):
        model, category, brand = models[_skewed(rng, len(models))]
        verified = rng.random() < 0.3
        seller = rng.randint(1, len(weights)) if verified else None
        if seller == buyer:
            seller = None
            verified = False
        if not verified and rng.random() < 0.2:
            model = None  # declared by category (and brand) only
        moment = now - timedelta(seconds=rng.randrange(two_years))
        write(
            f"{buyer}\t{seller if seller else '\\N'}\t{model if model else '\\N'}\t{category}\t"
            f"{brand}\t\t{round(rng.lognormvariate(4.5, 1.0), 2)}\tEUR\t"
            f"{'t' if verified else 'f'}\t{moment.date().isoformat()}\t{_timestamp(moment)}\n"
        )
    buffer.seek(0)
    cursor.copy_expert(
        "COPY marketplace_purchase (buyer_id, seller_id, product_model_id, category_id, "
        "brand_id, description, price, currency, verified, purchased_on, created_at) FROM STDIN",
        buffer,
    )


def _votes(cursor, weights, count: int, rng: random.Random, now: datetime) -> None:
    cursor.execute("SELECT max(id) FROM marketplace_review")
    reviews = cursor.fetchone()[0]
    people = range(1, len(weights) + 1)
    keys: set[tuple[int, int]] = set()
    while len(keys) < count:
        for voter in rng.choices(people, weights=weights, k=min(100_000, count - len(keys))):
            keys.add((1 + _skewed(rng, reviews), voter))
    buffer = io.StringIO()
    at = _timestamp(now)
    buffer.writelines(f"{review}\t{voter}\t{at}\n" for review, voter in keys)
    buffer.seek(0)
    cursor.copy_expert(
        "COPY marketplace_helpfulvote (review_id, voter_id, created_at) FROM STDIN", buffer
    )
    # A vote on one's own review is refused by the app; drop the few the draw made.
    cursor.execute(
        "DELETE FROM marketplace_helpfulvote AS v USING marketplace_review AS r "
        "WHERE r.id = v.review_id AND r.author_id = v.voter_id"
    )


def _consents(cursor, now: datetime) -> None:
    """A granted ledger record and its state per person and purpose, chosen by a hash of the
    person's id so that the purposes overlap as they would."""
    from privacy.purposes import NOTICES

    for salt, (purpose, share, scopes) in enumerate(CONSENTS, start=1):
        notice = NOTICES[purpose]
        cursor.execute(
            """
            INSERT INTO privacy_consentrecord
                (user_id, subject, purpose, action, scope, circle_ids, details, notice_version,
                 notice_sha256, method, created_at)
            SELECT id, 'p-bench-' || id, %(purpose)s, 'granted',
                   (%(scopes)s::text[])[1 + (id * 7 + %(salt)s) %% %(n)s], '[]', '{}',
                   %(version)s, %(sha)s, 'onboarding', %(at)s
            FROM accounts_user
            WHERE ((id * 2654435761 + %(salt)s * 40503) %% 1000) < %(share)s
            """,
            {
                "purpose": purpose,
                "scopes": list(scopes),
                "salt": salt,
                "n": len(scopes),
                "version": notice.version,
                "sha": notice.sha256,
                "at": now,
                "share": int(share * 1000),
            },
        )
    cursor.execute(
        """
        INSERT INTO privacy_consentstate (user_id, purpose, scope, details, record_id, granted_at)
        SELECT user_id, purpose, scope, details, id, created_at FROM privacy_consentrecord
        """
    )
