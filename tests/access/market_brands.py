"""Access-matrix rows for the brand pages (helpers: tests/access/engine.py).

Each row's `url` sets the brand side up in the row's transaction, rolled back after the row:
the seeded Trek, the stranger running its page (an approved claim), and the owner as a fan whom
friends may see, with a review for friends that the owner lets friends learn from (social
proof), a comment for friends, and a post by the brand. What the rows hold: the owner's name
reaches the owner's friends alone (through the review and the "fan of" line); the brand's
manager sees no fan by name; only the manager posts as the brand."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from marketplace.models import (
    BrandClaim,
    BrandComment,
    BrandOffer,
    BrandPost,
    Campaign,
    CampaignEntry,
    CategoryInterest,
    Fan,
    Like,
    OfferDismissal,
)
from marketplace.services.brand_offers import brand_offer_create
from marketplace.services.brands import (
    brand_claim,
    brand_claims_decide,
    brand_comment_create,
    brand_post_create,
    fan_set,
)
from marketplace.services.campaigns import campaign_create
from privacy.purposes import Purpose
from privacy.services.consent import consent_grant
from tests.access.engine import LOGIN, PUBLIC, page, per, sees
from tests.factories import make_admin, make_product, make_review
from tests.factories.social import consent

SIGNED_IN_VIEWERS = "stranger fof friend_a friend_b owner blocked moderator"


def _set_up(c) -> dict:
    """The brand side of the cast, made by each row (its transaction is rolled back after it)."""
    marlin = make_product()
    trek = marlin.brand
    claim = brand_claim(member=c["stranger"], brand_id=trek.pk, note="Trek marketing")
    brand_claims_decide(staff=make_admin(), claim_ids=[claim.pk], approve=True)
    consent(c["owner"], purpose=Purpose.SOCIAL_PROOF)
    make_review(c["owner"], marlin, audience="friends", title="Marlin after a year")
    fan_set(member=c["owner"], brand_id=trek.pk, audience="friends")
    post = brand_post_create(author=c["stranger"], brand_id=trek.pk, text="Spring service tips")
    comment = brand_comment_create(
        author=c["owner"], brand_id=trek.pk, text="Mine is great", audience="friends"
    )
    return {"trek": trek, "post": post, "comment": comment}


def _url(name: str, *extra: str):
    def build(c) -> str:
        made = _set_up(c)
        args = [made["trek"].slug, *(made[key].pk for key in extra)]
        return reverse(name, args=args)

    return build


def fans(c):
    return set(Fan.objects.values_list("member_id", "brand_id", "audience", "posts_in_feed"))


def comments(c):
    return set(BrandComment.objects.values_list("pk", "author_id", "text"))


def claims(c):
    return set(BrandClaim.objects.values_list("member_id", "brand_id", "status"))


def posts(c):
    return set(BrandPost.objects.values_list("pk", "text"))


WRITE = per(302, anonymous=LOGIN)

ROWS = [
    page("market/brands/", lambda c: reverse("marketplace:brands"), PUBLIC),
    # The owner's review, its "a fan of Trek" line and their comment reach their friends only:
    # not the stranger who runs the page, not the one who blocked them.
    page(
        "market/brands/<slug:slug>/",
        _url("marketplace:brand"),
        PUBLIC,
        shows=sees(owner="owner_name", friend_a="owner_name", friend_b="owner_name"),
    ),
    page(
        "market/brands/<slug:slug>/fan/",
        _url("marketplace:brand_fan"),
        WRITE,
        method="POST",
        body=lambda c: {"audience": "only_me", "posts_in_feed": "on"},
        state=fans,
        changes=SIGNED_IN_VIEWERS,
    ),
    page(
        "market/brands/<slug:slug>/unfan/",
        _url("marketplace:brand_unfan"),
        WRITE,
        method="POST",
        state=fans,
        changes="owner",  # the only fan
    ),
    page(
        "market/brands/<slug:slug>/comment/",
        _url("marketplace:brand_comment"),
        WRITE,
        method="POST",
        body=lambda c: {"text": "Nice", "audience": "members"},
        state=comments,
        changes=SIGNED_IN_VIEWERS,
    ),
    page(
        "market/brands/<slug:slug>/comments/<int:comment_id>/delete/",
        _url("marketplace:brand_comment_delete", "comment"),
        WRITE,  # anyone else is sent back with "no such comment", nothing changes
        method="POST",
        state=comments,
        changes="owner",
    ),
    page(
        "market/brands/<slug:slug>/claim/",
        _url("marketplace:brand_claim"),
        per(302, anonymous=LOGIN, stranger=400),  # the stranger already runs the page
        method="POST",
        body=lambda c: {"note": "I work there"},
        state=claims,
        changes="fof friend_a friend_b owner blocked moderator",
    ),
    page(
        "market/brands/<slug:slug>/post/",
        _url("marketplace:brand_post"),
        per(403, anonymous=LOGIN, stranger=302),
        method="POST",
        body=lambda c: {"text": "Ride with us"},
        state=posts,
        changes="stranger",
    ),
    page(
        "market/brands/<slug:slug>/posts/<int:post_id>/delete/",
        _url("marketplace:brand_post_delete", "post"),
        WRITE,  # anyone but the manager: "no such post", nothing changes
        method="POST",
        state=posts,
        changes="stranger",
    ),
]


# --- Feedback campaigns -----------------------------------------------------------------------
# The stranger runs Trek's page and asks; friend_a asked Trek for feedback and allows insights
# (invited); the owner is a fan who asked but allows no insights, friend_b allows insights but
# did not ask: neither ever sees the campaign.


def _campaign(c):
    made = _set_up(c)
    fan_set(member=c["friend_a"], brand_id=made["trek"].pk, campaigns=True)
    consent(c["friend_a"], purpose=Purpose.INSIGHTS)
    fan_set(member=c["owner"], brand_id=made["trek"].pk, audience="friends", campaigns=True)
    consent(c["friend_b"], purpose=Purpose.INSIGHTS)
    return campaign_create(
        manager=c["stranger"],
        brand_id=made["trek"].pk,
        kind="poll",
        title="CAMPAIGN_TITLE",
        question="Which colour?",
        choices=["Green", "Orange"],
        ends_at=timezone.now() + timedelta(days=7),
    )


def _campaign_url(name: str):
    def build(c) -> str:
        return reverse(name, args=[_campaign(c).pk])

    return build


def entries(c):
    return set(CampaignEntry.objects.values_list("member_id", "choice_id"))


def campaigns(c):
    return set(Campaign.objects.values_list("title", flat=True))


INVITED_AND_MANAGER = per(404, anonymous=LOGIN, friend_a=200, stranger=200)

ROWS += [
    page(
        "market/campaigns/",
        lambda c: (_campaign(c), reverse("marketplace:campaigns"))[1],
        per(200, anonymous=LOGIN),
        shows=sees(friend_a="campaign"),
    ),
    page(
        "market/campaigns/",
        lambda c: reverse("marketplace:campaigns"),
        per(302, anonymous=LOGIN),
        label="interests",
        method="POST",
        body=lambda c: {"purpose": "offers", "categories": [make_product().category.root.pk]},
        state=lambda c: set(CategoryInterest.objects.values_list("member_id", "category_id")),
        changes=SIGNED_IN_VIEWERS,
    ),
    page(
        "market/campaigns/<int:campaign_id>/",
        _campaign_url("marketplace:campaign"),
        INVITED_AND_MANAGER,
        shows=sees(friend_a="campaign", stranger="campaign"),
    ),
    page(
        "market/campaigns/<int:campaign_id>/answer/",
        _campaign_url("marketplace:campaign_answer"),
        per(302, anonymous=LOGIN),  # anyone not invited: "no such campaign", nothing changes
        method="POST",
        body=lambda c: {"choice": Campaign.objects.get().choices.values_list("pk", flat=True)[0]},
        state=entries,
        changes="friend_a",
    ),
    page(
        "market/campaigns/<int:campaign_id>/withdraw/",
        _campaign_url("marketplace:campaign_withdraw"),
        per(302, anonymous=LOGIN),
        method="POST",
        state=entries,
        changes="",  # nobody answered yet: withdrawing changes nothing, for anyone
    ),
    page(
        "market/brands/<slug:slug>/campaigns/new/",
        _url("marketplace:campaign_new"),
        per(403, anonymous=LOGIN, stranger=200),
    ),
    page(
        "market/brands/<slug:slug>/campaigns/new/",
        _url("marketplace:campaign_new"),
        per(403, anonymous=LOGIN, stranger=302),
        label="start",
        method="POST",
        body=lambda c: {
            "kind": "poll",
            "title": "Saddles",
            "question": "Which saddle?",
            "choices": "Wide\nNarrow",
            "days": "7",
        },
        state=campaigns,
        changes="stranger",
    ),
]


# --- Likes --------------------------------------------------------------------------------------
# The owner's public post: anyone signed in who may see it likes it; the one who blocked the
# owner may not ("does not exist or you can't see it"), and nothing changes.


def likes(c):
    return set(Like.objects.values_list("owner_id", "kind", "post_id", "audience"))


ROWS += [
    page(
        "market/likes/<str:kind>/<int:object_id>/",
        lambda c: reverse("marketplace:like", args=["post", c["posts"]["public"].pk]),
        per(302, anonymous=LOGIN),
        method="POST",
        body=lambda c: {"audience": "friends"},
        state=likes,
        changes="stranger fof friend_a friend_b owner moderator",
    ),
]


# --- Sponsored offers ---------------------------------------------------------------------------
# The stranger runs Trek's page and publishes; friend_a asked Trek for offers and allows offers.


def _offer(c):
    made = _set_up(c)
    fan_set(member=c["friend_a"], brand_id=made["trek"].pk, offers=True)
    consent_grant(user=c["friend_a"], purpose=Purpose.OFFERS)
    return brand_offer_create(
        manager=c["stranger"], brand_id=made["trek"].pk, title="OFFER", text="10% off", days=7
    )


def dismissals(c):
    return set(OfferDismissal.objects.values_list("member_id", "offer_id"))


def offers(c):
    return set(BrandOffer.objects.values_list("title", flat=True))


def fans_asking_for_offers(c):
    return set(Fan.objects.filter(offers=True).values_list("member_id", flat=True))


ROWS += [
    page(
        "market/brands/<slug:slug>/offer/",
        _url("marketplace:brand_offer"),
        per(403, anonymous=LOGIN, stranger=302),
        method="POST",
        body=lambda c: {"title": "Spring", "text": "10% off", "days": "7"},
        state=offers,
        changes="stranger",
    ),
    page(
        "market/offers/<int:offer_id>/not-interested/",
        lambda c: reverse("marketplace:offer_dismiss", args=[_offer(c).pk]),
        per(302, anonymous=LOGIN),
        method="POST",
        state=dismissals,
        changes=SIGNED_IN_VIEWERS,  # a "not interested" is the member's own, harmless note
    ),
    page(
        "market/brands/<slug:slug>/offers/stop/",
        lambda c: (_offer(c), reverse("marketplace:brand_offers_stop", args=["trek"]))[1],
        per(302, anonymous=LOGIN),
        method="POST",
        state=fans_asking_for_offers,
        changes="friend_a",
    ),
]
