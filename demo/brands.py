"""The brand side of the demo: Trek's page run by a member of the community (an approved claim),
its posts, fans among the people who bought or reviewed a Trek (Anna among them, seen by her
friends), and their comments. Ben is not a fan: the demo lets him become one."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from demo.people import ADMIN, ANNA, BEN, demo_step, demo_users, roster
from marketplace.models import Brand, BrandClaim, BrandComment, BrandPost, Fan, Purchase, Review
from marketplace.services.brands import (
    brand_claim,
    brand_claims_decide,
    brand_comment_create,
    brand_post_create,
    fan_set,
)
from social.audience import Audience

BRAND = "trek"
POSTS = (
    (21, "Spring service days in Lyon shops: bring your bike for a free check, any brand."),
    (6, "The new Marlin 7 comes in a small frame this year. What size do you ride?"),
)
COMMENTS = (
    ("Four years on my FX 3, still the best commuter I have had.", Audience.MEMBERS),
    ("Can you bring back the green Marlin?", Audience.MEMBERS),
    ("Mine needed new brake pads after a year, nothing else.", Audience.FRIENDS),
)
FANS = 6  # besides Anna


def brand_manager():
    """Who runs Trek's page in the demo: the first member of the community who is neither Anna
    nor Ben (always the same one)."""
    return next(person for person in roster() if person.email not in (ANNA.email, BEN.email))


@demo_step
def seed_brand_side() -> str:
    brand = Brand.objects.filter(slug=BRAND).first()
    people = demo_users()
    manager = people.get(brand_manager().email)
    anna, admin = people.get(ANNA.email), people.get(ADMIN.email)
    if brand is None or manager is None or anna is None or admin is None:
        return "Brand pages: no Trek or no demo people (0 new)"
    if BrandPost.objects.filter(brand=brand).exists():
        return (
            f"Brand pages: Trek run by {manager.display_name}, "
            f"{Fan.objects.filter(brand=brand).count()} fans (already seeded, 0 new)"
        )
    claim = BrandClaim.objects.filter(brand=brand, member=manager).first()
    if claim is None:
        claim = brand_claim(
            member=manager, brand_id=brand.pk, note="Community manager, Trek France"
        )
    brand_claims_decide(staff=admin, claim_ids=[claim.pk], approve=True)
    now = timezone.now()
    for days_ago, text in POSTS:
        post = brand_post_create(author=manager, brand_id=brand.pk, text=text)
        BrandPost.objects.filter(pk=post.pk).update(created_at=now - timedelta(days=days_ago))
    # Fans: Anna (her friends see it; Trek's posts in her feed), then people who bought or
    # reviewed a Trek, each with their own choice (most keep it to themselves).
    fan_set(member=anna, brand_id=brand.pk, audience=Audience.FRIENDS, posts_in_feed=True)
    buyers = Purchase.objects.filter(Q(brand=brand) | Q(product_model__brand=brand))
    reviewers = Review.objects.filter(product_model__brand=brand)
    owners = set(buyers.values_list("buyer_id", flat=True)) | set(
        reviewers.values_list("author_id", flat=True)
    )
    by_id = {user.pk: user for user in people.values()}
    skip = {anna.pk, manager.pk, getattr(people.get(BEN.email), "pk", None)}
    chosen = sorted(pk for pk in owners if pk in by_id and pk not in skip)[:FANS]
    for index, pk in enumerate(chosen):
        audience = Audience.FRIENDS if index % 3 == 0 else Audience.ONLY_ME
        fan_set(
            member=by_id[pk], brand_id=brand.pk, audience=audience, posts_in_feed=index % 2 == 0
        )
    latest = BrandPost.objects.filter(brand=brand).order_by("-created_at").first()
    for index, (text, audience) in enumerate(COMMENTS):
        author = by_id[chosen[index]] if index < len(chosen) else anna
        brand_comment_create(
            author=author,
            brand_id=brand.pk,
            post_id=latest.pk if index == 1 and latest is not None else None,
            text=text,
            audience=audience,
        )
    return (
        f"Brand pages: Trek run by {manager.display_name}, {len(POSTS)} posts, "
        f"{1 + len(chosen)} fans, {BrandComment.objects.filter(brand=brand).count()} comments"
    )
