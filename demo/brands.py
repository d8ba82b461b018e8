"""The brand side of the demo: Trek's page run by a member of the community (an approved claim),
its posts, fans among the people who bought or reviewed a Trek (Anna among them, seen by her
friends), and their comments. Ben is not a fan: the demo lets him become one."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from demo.people import ADMIN, ANNA, BEN, demo_step, demo_users, roster
from marketplace.models import (
    Brand,
    BrandClaim,
    BrandComment,
    BrandPost,
    Campaign,
    CampaignEntry,
    Fan,
    Purchase,
    Review,
)
from marketplace.services.brands import (
    brand_claim,
    brand_claims_decide,
    brand_comment_create,
    brand_post_create,
    fan_set,
)
from marketplace.services.campaigns import campaign_answer, campaign_create
from privacy.consent import granted
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant
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


CAMPAIGN_TITLE = "Which colour for the next Marlin?"
CAMPAIGN_QUESTION = "We are choosing the colours of next year's Marlin 7. Which one would you ride?"
CAMPAIGN_CHOICES = ("Forest green", "Sunset orange", "Matte black", "Sky blue")
CAMPAIGN_DAYS, CAMPAIGN_STARTED_DAYS_AGO = 21, 6
PARTICIPANTS = 16  # cyclists of the community who asked Trek for feedback and allow insights


@demo_step
def seed_campaign() -> str:
    """A running feedback campaign on Trek's page, answered by cyclists of the community who
    asked Trek for feedback and allow anonymous insights (Anna among them), over six days: its
    results show to them and to the page's manager. Ben is not invited (yet)."""
    brand = Brand.objects.filter(slug=BRAND).first()
    people = demo_users()
    manager = people.get(brand_manager().email)
    anna, ben = people.get(ANNA.email), people.get(BEN.email)
    if brand is None or manager is None or anna is None:
        return "Feedback campaign: no Trek page or no demo people (0 new)"
    if Campaign.objects.filter(brand=brand).exists():
        entries = CampaignEntry.objects.filter(campaign__brand=brand).count()
        return f"Feedback campaign: Trek's, {entries} answers (already seeded, 0 new)"
    now = timezone.now()
    started = now - timedelta(days=CAMPAIGN_STARTED_DAYS_AGO)
    campaign = campaign_create(
        manager=manager,
        brand_id=brand.pk,
        kind=Campaign.Kind.POLL,
        title=CAMPAIGN_TITLE,
        question=CAMPAIGN_QUESTION,
        choices=CAMPAIGN_CHOICES,
        starts_at=started,
        ends_at=started + timedelta(days=CAMPAIGN_DAYS),
    )
    cyclists = (
        User.objects.filter(pk__in=[user.pk for user in people.values()])
        .filter(profile__interests__slug="cycling", is_active=True)
        .exclude(pk__in=[manager.pk, getattr(ben, "pk", 0)])
        .order_by("pk")
        .distinct()
    )
    invited = [anna, *[user for user in cyclists if user.pk != anna.pk]][:PARTICIPANTS]
    choices = list(campaign.choices.all())
    weights = (0, 0, 1, 0, 2, 1, 3, 0, 2, 1, 0, 3, 2, 0, 1, 0)  # forest green leads
    for index, member in enumerate(invited):
        fan = Fan.objects.filter(member=member, brand=brand).first()
        fan_set(
            member=member,
            brand_id=brand.pk,
            audience=fan.audience if fan else Audience.ONLY_ME,
            posts_in_feed=fan.posts_in_feed if fan else False,
            campaigns=True,
        )
        if not granted(member, Purpose.INSIGHTS):
            consent_grant(
                user=member, purpose=Purpose.INSIGHTS, scope=Scope.FOF, method="onboarding"
            )
        entry = campaign_answer(
            member=member, campaign_id=campaign.pk, choice_id=choices[weights[index]].pk
        )
        answered = started + timedelta(days=index % CAMPAIGN_STARTED_DAYS_AGO, hours=index)
        CampaignEntry.objects.filter(pk=entry.pk).update(created_at=answered)
    return f"Feedback campaign: Trek asks “{campaign.title}”, {len(invited)} answers"
