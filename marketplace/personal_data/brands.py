"""The brand side's personal data: brands a person is a fan of, comments they wrote on brand
pages, their claims to run a page, the posts and campaigns they wrote as a brand's manager, their
answers to campaigns, and their likes."""

from __future__ import annotations

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
from marketplace.personal_data._common import when


def export_fandoms(user) -> list[dict]:
    return [
        {
            "brand": fan.brand.name,
            "seen_by": fan.get_audience_display(),
            "circles": [circle.name for circle in fan.circles.all()],
            "brand_posts_in_feed": fan.posts_in_feed,
            "asked_for_feedback_requests": fan.campaigns,
            "asked_for_offers": fan.offers,
            "since": when(fan.created_at),
        }
        for fan in Fan.objects.filter(member=user)
        .select_related("brand")
        .prefetch_related("circles")
        .order_by("created_at", "id")
    ]


def export_brand_comments(user) -> list[dict]:
    return [
        {
            "brand": comment.brand.name,
            "on_post": comment.post.text[:80] if comment.post else None,
            "text": comment.text,
            "seen_by": comment.get_audience_display(),
            "circles": [circle.name for circle in comment.circles.all()],
            "hidden_by_moderator": comment.hidden,
            "at": when(comment.created_at),
        }
        for comment in BrandComment.objects.filter(author=user)
        .select_related("brand", "post")
        .prefetch_related("circles")
        .order_by("created_at", "id")
    ]


def export_brand_claims(user) -> list[dict]:
    return [
        {
            "brand": claim.brand.name,
            "note": claim.note,
            "status": claim.get_status_display(),
            "asked_at": when(claim.created_at),
            "decided_at": when(claim.decided_at),
        }
        for claim in BrandClaim.objects.filter(member=user)
        .select_related("brand")
        .order_by("created_at", "id")
    ]


def export_brand_posts(user) -> list[dict]:
    return [
        {"brand": post.brand.name, "text": post.text, "at": when(post.created_at)}
        for post in BrandPost.objects.filter(author=user)
        .select_related("brand")
        .order_by("created_at", "id")
    ]


def export_campaign_answers(user) -> list[dict]:
    return [
        {
            "brand": entry.campaign.brand.name,
            "campaign": entry.campaign.title,
            "question": entry.campaign.question,
            "answer": (
                entry.choice.label
                if entry.choice
                else entry.idea
                if entry.idea
                else f"{entry.rating} stars"
            ),
            "answered_at": when(entry.created_at),
            "changed_at": when(entry.updated_at),
        }
        for entry in CampaignEntry.objects.filter(member=user)
        .select_related("campaign__brand", "choice")
        .order_by("created_at", "id")
    ]


def export_campaigns_started(user) -> list[dict]:
    return [
        {
            "brand": campaign.brand.name,
            "title": campaign.title,
            "question": campaign.question,
            "from": when(campaign.starts_at),
            "until": when(campaign.ends_at),
        }
        for campaign in Campaign.objects.filter(created_by=user)
        .select_related("brand")
        .order_by("starts_at", "id")
    ]


def export_likes(user) -> list[dict]:
    def what(like) -> str:
        target = like.target
        if target is None:
            return ""
        return str(getattr(target, "title", None) or getattr(target, "text", "") or target)[:120]

    return [
        {
            "kind": like.kind,
            "what": what(like),
            "seen_by": like.get_audience_display(),
            "circles": [circle.name for circle in like.circles.all()],
            "at": when(like.created_at),
        }
        for like in Like.objects.filter(owner=user)
        .select_related("listing", "review", "post", "product__brand")
        .prefetch_related("circles")
        .order_by("created_at", "id")
    ]


def export_offer_dismissals(user) -> list[dict]:
    return [
        {"brand": row.offer.brand.name, "offer": row.offer.title, "at": when(row.created_at)}
        for row in OfferDismissal.objects.filter(member=user)
        .select_related("offer__brand")
        .order_by("created_at", "id")
    ]


def export_offers_made(user) -> list[dict]:
    return [
        {
            "brand": offer.brand.name,
            "title": offer.title,
            "text": offer.text,
            "from": when(offer.starts_at),
            "until": when(offer.ends_at),
        }
        for offer in BrandOffer.objects.filter(created_by=user)
        .select_related("brand")
        .order_by("starts_at", "id")
    ]


def export_category_interests(user) -> list[dict]:
    return [
        {
            "for": row.get_purpose_display(),
            "category": row.category.name,
            "since": when(row.created_at),
        }
        for row in CategoryInterest.objects.filter(member=user)
        .select_related("category")
        .order_by("created_at", "id")
    ]
