"""Reputations from ratings after deals, rendered one way everywhere.

    {% load reputation %}
    {% reputation_line listing.seller_reputation.as_seller %}   a card's line (no query)
    {% reputation_box person %}                                 seller box, profile (two queries)
    {% reputation_box person sides="seller" %}                  as a seller only
    {% person_reviews person %}                                 their reviews the viewer may see

The figures come from `marketplace.selectors.ratings` (its display rule: a member is "new" on a
side below `MIN_RATINGS`; their side as a buyer only where their purchases are shared with the
viewer; to others with noise). Text says it in words ("4.6 out of 5 from about 10 sales"); the
stars are decoration."""

from __future__ import annotations

from django import template

from marketplace.selectors.ratings import (
    MIN_RATINGS,
    SideReputation,
    latest_lines,
    reputation_of,
)
from marketplace.selectors.reviews import reviews_by_for

register = template.Library()


def _stars(average: float | None) -> str:
    """Five stars, as many filled as the average rounds to (decoration beside the words)."""
    filled = int((average or 0) + 0.5)  # half up: 4.5 shows five
    return "★" * filled + "☆" * (5 - filled)


@register.inclusion_tag("marketplace/ratings/_reputation.html")
def reputation_line(side: SideReputation | None, label: bool = False):
    """One side of a reputation: its average and count, or "New seller"; nothing for None."""
    return {
        "side": side,
        "stars": _stars(side.average if side else None),
        "label": label,
        "min_ratings": MIN_RATINGS,
    }


@register.inclusion_tag("marketplace/ratings/_reputation_box.html", takes_context=True)
def reputation_box(context, person, sides: str = "seller,buyer"):
    """A member's reputation on the chosen sides, with the latest lines raters wrote about
    them on those sides (none below the floor)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if person is None:
        return {"reputation": None}
    chosen = [side.strip() for side in sides.split(",") if side.strip()]
    reputation = reputation_of(viewer, person)
    shown_sides = [
        side
        for name, side in (("seller", reputation.as_seller), ("buyer", reputation.as_buyer))
        if name in chosen and side is not None
    ]
    return {
        "reputation": reputation,
        "sides": shown_sides,
        "lines": latest_lines(reputation, sides=chosen),
        "person": person,
    }


@register.inclusion_tag("marketplace/reviews/_person_reviews.html", takes_context=True)
def person_reviews(context, person):
    """The latest reviews by `person` the viewer may see (their profile)."""
    viewer = getattr(context.get("request"), "user", None)
    reviews = reviews_by_for(viewer, person) if person is not None else []
    return {**context.flatten(), "reviews": reviews}  # the cards' forms need the csrf token
