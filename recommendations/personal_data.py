"""How the recommendations' data about a person is exported and erased (the privacy registry)."""

from __future__ import annotations

from privacy.registry import Erasure, personal_data
from recommendations.models import InfluenceReach, InfluenceScore, ListingView


def export_scores(user) -> list[dict]:
    return [
        {
            "topic": str(score.category),
            "expertise": score.expertise,
            "reach_friends": score.one_hop,
            "reach_friends_of_friends": score.two_hop,
            "score": score.score,
        }
        for score in InfluenceScore.objects.filter(person=user).select_related("category")
    ]


def export_reach(user) -> list[dict]:
    return [
        {"reach_friends": reach.one_hop, "reach_friends_of_friends": reach.two_hop}
        for reach in InfluenceReach.objects.filter(person=user)
    ]


def export_views(user) -> list[dict]:
    return [
        {"listing": view.listing_id, "viewed_at": view.viewed_at.isoformat()}
        for view in ListingView.objects.filter(viewer=user)
    ]


def register() -> None:
    personal_data(
        InfluenceScore,
        "person",
        kind="recommendations_influence_scores",
        export=export_scores,
        erasure=Erasure.DELETE,
        why="Scores computed from your data go with it.",
    )
    personal_data(
        InfluenceReach,
        "person",
        kind="recommendations_influence_reach",
        export=export_reach,
        erasure=Erasure.DELETE,
        why="Your reach, computed from your friendships, goes with them.",
    )
    personal_data(
        ListingView,
        "viewer",
        kind="recommendations_listings_viewed",
        export=export_views,
        erasure=Erasure.DELETE,
        why="The listings you looked at go.",
    )
