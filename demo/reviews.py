"""What demo people bought elsewhere, their reviews of what they own, and the helpful votes of
those who may read them."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from demo.market import (
    BIKE_CATEGORIES,
    EVERYDAY_CATEGORIES,
    MARKET,
    MARKET_SEED,
    Catalog,
    Community,
    Item,
    between,
    categories_for,
    money_of,
    pick,
    read_catalog,
    read_community,
    round_price,
    usable_items,
)
from demo.people import ANNA, BEN, demo_email, demo_step
from demo.story import tupled
from marketplace.models import (
    ProductModel,
    Purchase,
    Review,
)
from marketplace.services.purchases import DeclaredPurchase, purchases_declare
from marketplace.services.reviews import (
    NewHelpfulVote,
    NewReview,
    helpful_votes_create,
    reviews_create,
)
from social.audience import Audience

DECLARED_PURCHASES = 40
REVIEWS = 80
GOT_IT = ("had it a while", "got it from a friend", "bought it new", "borrowed one for a season")
ANNA_FRIENDS_WITH_BIKES = 10  # friends of Anna who own a bike they bought elsewhere and review
# What the story's people bought elsewhere, by person key: (category slug, product slug) pairs.
STORY_PURCHASES: dict[str, tuple[tuple[str, str], ...]] = tupled(MARKET["story_purchases"])
REVIEW_LINES: dict[str, dict[str, tuple[str, ...]]] = tupled(MARKET["review_lines"])
REVIEW_TITLES: dict[int, tuple[str, ...]] = {
    int(stars): tupled(titles) for stars, titles in MARKET["review_titles"].items()
}
REVIEW_AUDIENCES = {
    Audience.FRIENDS: 40,
    Audience.FOF: 25,
    Audience.PUBLIC: 30,
    Audience.MEMBERS: 5,
}


@demo_step
def seed_declared_purchases() -> str:
    """About forty things people say they bought elsewhere (not verified): what the story's
    people own (`story_purchases` in market.toml: Ben's Trek Marlin 7, Anna's bikes and camera),
    bikes of Anna's friends, and things that go with everyone's interests."""
    community = read_community()
    existing = Purchase.objects.filter(buyer_id__in=community.ids, verified=False)
    if existing.exists():
        return f"Declared purchases: {existing.count()} (already seeded, 0 new)"
    rng = random.Random(MARKET_SEED + 1)
    catalog = read_catalog()
    today = timezone.localdate()
    owned = set(
        Purchase.objects.filter(
            buyer_id__in=community.ids, product_model__isnull=False
        ).values_list("buyer_id", "product_model__slug")
    )
    plans: list[tuple[int, str, Item]] = []

    def add(pk: int, slug: str, item: Item) -> bool:
        if (pk, item.product or item.title) in owned:
            return False
        owned.add((pk, item.product or item.title))
        plans.append((pk, slug, item))
        return True

    anna, ben = community.by_email(ANNA.email), community.by_email(BEN.email)
    for key, owned_things in STORY_PURCHASES.items():
        owner = community.by_email(demo_email(key))
        for slug, product_slug in owned_things:
            items = usable_items(catalog, slug)
            item = next((i for i in items if i.product == product_slug), None)
            if owner is not None and item is not None:
                add(owner.pk, slug, item)
    if anna is not None:
        friends = sorted(community.friends[anna.pk] - {getattr(ben, "pk", None)})
        friends.sort(key=lambda pk: "cycling" not in community.people[pk].interests)
        for pk in friends[:ANNA_FRIENDS_WITH_BIKES]:
            for _attempt in range(5):
                slug = rng.choice(BIKE_CATEGORIES[:5])
                bikes = [i for i in usable_items(catalog, slug) if i.product]
                if bikes and add(pk, slug, rng.choice(bikes)):
                    break
    buyers = community.ids
    for _attempt in range(DECLARED_PURCHASES * 5):
        if len(plans) >= DECLARED_PURCHASES:
            break
        pk = rng.choice(buyers)
        own = categories_for(community.people[pk]) or list(EVERYDAY_CATEGORIES)
        slug = rng.choice(own)
        items = usable_items(catalog, slug)
        with_product = [i for i in items if i.product]
        if with_product and rng.random() < 0.85:
            items = with_product
        if items:
            add(pk, slug, rng.choice(items))

    rows: list[DeclaredPurchase] = []
    for pk, slug, item in plans:
        person = community.people[pk]
        product = catalog.products.get(item.product) if item.product else None
        currency, rate = money_of(person)
        priced = rng.random() < 0.7
        where = rng.choice(("in a shop", "second-hand from a friend", "online", "at a flea market"))
        rows.append(
            DeclaredPurchase(
                buyer_id=pk,
                product_model=product,
                category=catalog.categories[slug],
                brand=product.brand if product else catalog.brands.get(item.brand),
                description=f"{product or item.title}, bought {where}"[:200],
                price=round_price(item.high * rate * rng.uniform(1.0, 1.3)) if priced else None,
                currency=currency if priced else "",
                purchased_on=today - timedelta(days=rng.randint(20, 700)),
            )
        )
    purchases_declare(purchases=rows)
    buyers_count = len({row.buyer_id for row in rows})
    return f"Declared purchases: {len(rows)} by {buyers_count} people ({len(rows)} new)"


@demo_step
def seed_reviews() -> str:
    """About eighty reviews of product models by people who own them (verified where bought
    here), friends of Anna reviewing their bikes, and helpful votes from those who may read
    them."""
    community = read_community()
    existing = Review.objects.filter(author_id__in=community.ids)
    if existing.exists():
        return f"Reviews: {existing.count()} (already seeded, 0 new)"
    rng = random.Random(MARKET_SEED + 2)
    catalog = read_catalog()
    now = timezone.now()
    purchases = list(
        Purchase.objects.filter(buyer_id__in=community.ids, product_model__isnull=False)
        .select_related("product_model")
        .order_by("-verified", "-purchased_on", "pk")
    )
    # Like review_write: a review is tied to the author's best purchase of the product.
    best: dict[tuple[int, int], Purchase] = {}
    for purchase in purchases:
        assert purchase.buyer_id is not None and purchase.product_model_id is not None
        best.setdefault((purchase.buyer_id, purchase.product_model_id), purchase)

    def after(purchase: Purchase) -> datetime:
        bought = datetime.combine(purchase.purchased_on, datetime.min.time(), tzinfo=now.tzinfo)
        when = bought + timedelta(days=rng.uniform(5, 90))
        return max(bought, min(when, now - timedelta(hours=rng.uniform(2, 48))))

    planned: dict[tuple[int, int], tuple[ProductModel, Purchase | None, datetime]] = {}
    for key, purchase in best.items():
        if rng.random() < (0.8 if purchase.verified else 0.9):
            assert purchase.product_model is not None
            planned[key] = (purchase.product_model, purchase, after(purchase))

    products = sorted(catalog.products.values(), key=lambda p: p.slug)
    bikes = [p for p in products if catalog.root_of(p.category_id) == "bikes"]
    anna = community.by_email(ANNA.email)
    anna_friends = sorted(community.friends[anna.pk]) if anna else []
    for _attempt in range(REVIEWS * 10):
        if len(planned) >= REVIEWS:
            break
        if anna_friends and rng.random() < 0.35:
            pk, pool = rng.choice(anna_friends), bikes
        else:
            pk = rng.choice(community.ids)
            slugs = set(categories_for(community.people[pk]))
            pool = [p for p in products if p.category.slug in slugs] or products
        if not pool:
            continue
        product = rng.choice(pool)
        if (pk, product.pk) in planned:
            continue
        owned = best.get((pk, product.pk))
        when = after(owned) if owned else now - timedelta(days=rng.uniform(3, 170))
        planned[pk, product.pk] = (product, owned, when)

    # A review rests on a purchase: what reviewers got elsewhere is declared first, some days
    # before they wrote about it, as they would through "Add something you bought elsewhere".
    unbought = [(key, plan) for key, plan in planned.items() if plan[1] is None]
    draw = random.Random(MARKET_SEED + 7)  # its own draw: the reviews' texts stay as they were
    declared = purchases_declare(
        purchases=[
            DeclaredPurchase(
                buyer_id=pk,
                category=product.category,
                product_model=product,
                brand=product.brand,
                description=f"{product}, {draw.choice(GOT_IT)}"[:200],
                purchased_on=timezone.localdate(when) - timedelta(days=draw.randint(20, 400)),
            )
            for (pk, _), (product, _, when) in unbought
        ]
    )
    for (key, (product, _, when)), purchase in zip(unbought, declared, strict=True):
        planned[key] = (product, purchase, when)
    reviews = [
        _write_review(rng, catalog, pk, product, purchase, when)
        for (pk, _), (product, purchase, when) in sorted(planned.items(), key=lambda kv: kv[1][2])
    ]
    written = reviews_create(reviews=reviews)
    dates = [when for _, (_, _, when) in sorted(planned.items(), key=lambda kv: kv[1][2])]
    votes = _helpful_votes(rng, community, written, dates, now)
    verified = sum(1 for review in written if review.purchase and review.purchase.verified)
    return (
        f"Reviews: {len(written)} of {len({r.product_model_id for r in written})} products "
        f"({verified} verified purchases), {votes} helpful votes ({len(written)} new)"
    )


def _write_review(
    rng: random.Random,
    catalog: Catalog,
    author: int,
    product: ProductModel,
    purchase: Purchase | None,
    when: datetime,
) -> NewReview:
    rating = rng.choices([5, 4, 3, 2, 1], [40, 35, 15, 7, 3])[0]
    root = catalog.root_of(product.category_id)
    lines = REVIEW_LINES.get(root, REVIEW_LINES[""])
    months = max(1, round((timezone.now() - when).days / 30) + rng.randint(1, 12))
    good = rng.sample(lines["good"], 2 if rating >= 4 else 1)
    bad = rng.sample(lines["bad"], 0 if rating == 5 else 1 if rating >= 3 else 2)
    if purchase is not None and purchase.verified:
        where = "Bought it second-hand here, exactly as described."
    elif purchase is not None:
        where = rng.choice(("Bought it new.", "Got it second-hand from a friend.", ""))
    else:
        where = rng.choice(("Had mine for a couple of years.", "Borrowed one for a season.", ""))
    verdict = (
        "Recommended."
        if rating >= 4
        else "Fine if you find it cheap."
        if rating == 3
        else "Skip it."
    )
    text = " ".join(line for line in (*good, *bad, where, verdict) if line).format(months=months)
    return NewReview(
        author_id=author,
        product_model=product,
        purchase=purchase,
        rating=rating,
        title=rng.choice(REVIEW_TITLES[rating]),
        text=text,
        would_recommend=rating >= 4 or (rating == 3 and rng.random() < 0.5),
        audience=pick(rng, REVIEW_AUDIENCES),
        at=when,
    )


def _helpful_votes(
    rng: random.Random, community: Community, reviews: list[Review], dates: list[datetime], now
) -> int:
    """Readers who may see a review (never its author) find some of them helpful; friends of
    the author more often."""
    rows: list[NewHelpfulVote] = []
    seen = community.seeing(Review, reviews)
    for review, written in zip(reviews, dates, strict=True):
        author = review.author_id
        assert author is not None  # just written
        readers = [pk for pk in community.ids if pk in seen[review.pk]]
        if not readers:
            continue
        count = min(len(readers), rng.choices([0, 1, 2, 3, 4, 5], [20, 25, 22, 15, 10, 8])[0])
        weights = [3 if pk in community.friends[author] else 1 for pk in readers]
        voters: set[int] = set()
        while len(voters) < count:
            voters.add(rng.choices(readers, weights=weights)[0])
        for voter in sorted(voters):
            rows.append(NewHelpfulVote(voter, review.pk, at=between(rng, written, now)))
    return len(helpful_votes_create(votes=rows))
