"""Reviews, helpful votes, saved searches, the watchlist, reports, and sales kept."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q

from marketplace.models import (
    CatalogSuggestion,
    HelpfulVote,
    ModerationDecision,
    Purchase,
    Report,
    Review,
    SavedSearch,
    Watch,
)
from marketplace.personal_data._common import hidden_from, money, when
from marketplace.services.reports import reports_close_for_erased
from social.audience import Audience

# --- Reviews ---------------------------------------------------------------------------------


def export_reviews(user) -> list[dict]:
    """The person's reviews, with whether each is a verified purchase and how many found it
    helpful."""
    reviews = (
        Review.objects.filter(author=user)
        .select_related("product_model__brand", "category", "brand", "purchase")
        .prefetch_related("circles")
        .annotate(helpful=Count("helpful_votes"))
        .order_by("created_at", "id")
    )
    return [
        {
            "product": str(review.product_model) if review.product_model else None,
            "about": review.subject,
            "purchase_id": review.purchase_id,
            "rating": review.rating,
            "title": review.title,
            "text": review.text,
            "would_recommend": review.would_recommend,
            "audience": review.audience,
            "circles": [circle.name for circle in review.circles.all()],
            "verified_purchase": review.verified,
            "declared_purchase": review.purchase is not None and not review.purchase.verified,
            "helpful_votes": review.helpful,
            "hidden_by_moderator": review.hidden,
            "created_at": when(review.created_at),
            "updated_at": when(review.updated_at),
        }
        for review in reviews
    ]


def export_helpful_votes(user) -> list[dict]:
    hidden = hidden_from(user)
    return [
        {
            "review": None if vote.review.author_id in hidden else vote.review.title,
            "at": when(vote.created_at),
        }
        for vote in HelpfulVote.objects.filter(voter=user)
        .select_related("review")
        .order_by("created_at", "id")
    ]


# Reviews that can still be seen by someone once their author is gone: shared with everyone or
# with all members, and not hidden by a moderator. Every other review is seen by its author
# alone or through the author's friendships and circles, which go with them.
STILL_SEEN = Q(audience__in=[Audience.PUBLIC, Audience.MEMBERS], hidden=False)


def reviews_kept(user):
    return Review.objects.filter(STILL_SEEN, author=user)


def reviews_nobody_could_see(user):
    return Review.objects.filter(author=user).exclude(STILL_SEEN)


def reviews_settled_first(user) -> None:
    """Before anything goes: delete the reviews nobody could see and take the author off the
    ones kept. A review by a member rests on a purchase (the constraint
    `review_has_purchase`); the purchases the person declared go in the next step, so no
    review may still name them as author by then."""
    reviews_nobody_could_see(user).delete()
    reviews_kept(user).update(author=None)


# --- Saved searches, the watchlist -----------------------------------------------------------


def export_saved_searches(user) -> list[dict]:
    return [
        {
            "query": search.query,
            "category": str(search.category) if search.category_id else None,
            "max_price": money(search.max_price),
            "radius_km": search.radius_km,
        }
        for search in SavedSearch.objects.filter(owner=user).select_related("category")
    ]


def export_catalog_suggestions(user) -> list[dict]:
    return [
        {
            "kind": suggestion.kind,
            "name": suggestion.name,
            "category": suggestion.category.name,
            "status": suggestion.status,
            "suggested_at": when(suggestion.created_at),
        }
        for suggestion in CatalogSuggestion.objects.filter(suggested_by=user).select_related(
            "category"
        )
    ]


def export_watchlist(user) -> list[dict]:
    hidden = hidden_from(user)
    return [
        {
            "listing": None if watch.listing.seller_id in hidden else watch.listing.title,
            "since": when(watch.created_at),
        }
        for watch in Watch.objects.filter(user=user).select_related("listing")
    ]


# --- Reports ---------------------------------------------------------------------------------


def export_reports(user) -> list[dict]:
    """Reports the person made, with their outcome."""
    return [
        {
            "about": report.content_type.model,
            "reason": report.reason,
            "note": report.note,
            "status": report.status,
            "outcome": report.resolution,
            "at": when(report.created_at),
            "resolved_at": when(report.resolved_at),
        }
        for report in Report.objects.filter(reporter=user)
        .select_related("content_type")
        .order_by("created_at", "id")
    ]


def export_reports_about(user) -> list[dict]:
    """Reports about the person or their things, with their outcome. Who reported, and the
    reporter's note, are the reporter's: not exported."""
    return [
        {
            "what": report.content_type.model,
            "reason": report.reason,
            "status": report.status,
            "outcome": report.resolution,
            "at": when(report.created_at),
            "resolved_at": when(report.resolved_at),
        }
        for report in Report.objects.filter(about=user)
        .select_related("content_type")
        .order_by("created_at", "id")
    ]


def export_moderation_decisions(user) -> list[dict]:
    """What moderators hid of the person's, why, and their appeal with its outcome. Which
    moderator decided is moderation data: not exported."""
    rows = []
    for decision in (
        ModerationDecision.objects.filter(owner=user)
        .select_related("content_type", "appeal")
        .order_by("created_at", "id")
    ):
        appeal = decision.appeal_or_none
        rows.append(
            {
                "what": decision.content_type.model,
                "reason": decision.reason,
                "hidden_at": when(decision.created_at),
                "restored_at": when(decision.lifted_at),
                "appeal": None
                if appeal is None
                else {
                    "text": appeal.text,
                    "outcome": appeal.outcome,
                    "at": when(appeal.created_at),
                    "decided_at": when(appeal.decided_at),
                },
            }
        )
    return rows


def close_reports_about(user) -> None:
    """Erasure: the open reports of things that go with the person are closed."""
    reports_close_for_erased(person=user, keep=reviews_kept(user))


def report_retention() -> str:
    return f"{settings.REPORT_RETENTION_DAYS} days after the report was resolved, then deleted."


def reports_about_retention() -> str:
    return (
        f"{settings.REPORT_RETENTION_DAYS} days after the report was resolved, then deleted; "
        "one still open about something that goes with your account is closed then."
    )


# --- Sales that stay with the other side -----------------------------------------------------


def purchases_nobody_else_holds_as_buyer(user):
    """The person's purchases that are theirs alone: declared ones, and those whose seller is
    gone (or is themselves)."""
    return Purchase.objects.filter(buyer=user).filter(Q(seller__isnull=True) | Q(seller=user))


def sales_nobody_else_holds(user):
    """The person's sales whose buyer is gone."""
    return Purchase.objects.filter(seller=user, buyer__isnull=True)
