"""Influence as pictures with a scale: each score placed among the scores the viewer may see in
the same topic (the people of their network who show them theirs as trusted voices: nothing
else is compared), as a bar and in words ("stronger than 80% of the 12 people in your network
with a score in Bikes"), and what a score is made of, in words rather than decimals.

Only scores the viewer may already see are compared (`trusted.network_scores`,
`trusted.voice_scores`: the consent gate for `influence`, blocks, the network), so a
percentile tells the viewer nothing about anyone that their voices page does not."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import User
from marketplace.models import Category
from recommendations.influence import ONE_HOP_WEIGHT, TWO_HOP_WEIGHT, OwnTopic
from recommendations.models import InfluenceScore
from recommendations.trusted import Voice, network_scores, voice_scores


def percent_below(score: float, others: list[float]) -> int:
    """The share of `others` (sorted) strictly below `score`, in whole percent, rounded down."""
    if not others:
        return 0
    return 100 * bisect_left(others, score) // len(others)


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def standing(score: float, others: list[float], topic: str, *, who: str) -> str:
    """ "Stronger than 80% of the 12 people in your network with a score in Bikes"."""
    if not others:
        return f"Nobody else {who} has a score in {topic} yet."
    share, many = percent_below(score, others), _people(len(others))
    if share == 100:
        everyone = "the one person" if len(others) == 1 else f"all {many}"
        return f"Stronger than {everyone} {who} with a score in {topic}."
    return f"Stronger than {share}% of the {many} {who} with a score in {topic}."


def reach_words(score: InfluenceScore) -> str:
    """What reach adds to the experience, in words."""
    if score.expertise <= 0:
        return "No experience others can see yet, so no reach."
    added = ONE_HOP_WEIGHT * score.one_hop + TWO_HOP_WEIGHT * score.two_hop
    share = round(100 * added / score.expertise)
    if share <= 0:
        return "Your friends' attention adds nothing yet: it is your experience alone."
    return f"Your friends' and their friends' attention adds {share}% to your experience."


def points(value: float) -> str:
    """Experience points in words: "6 points", "1.5 points"."""
    shown = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{shown} point{'' if shown == '1' else 's'}"


@dataclass
class OwnScale:
    """One topic of the viewer's own influence, ready to draw."""

    topic: OwnTopic
    percentile: int  # of the scores the viewer may see in the topic (0 when there are none)
    words: str
    reach: str
    experience: str  # "6 points, 4 of them seen by others"


def own_scales(viewer: User, rows: list[OwnTopic]) -> list[OwnScale]:
    """Each of the viewer's topics placed among their network's scores (one query)."""
    by_topic: dict[int, list[float]] = defaultdict(list)
    wanted = [row.category.pk for row in rows if row.score is not None]
    if wanted:
        found = network_scores(viewer).filter(category_id__in=wanted)
        for category_id, score in found.values_list("category_id", "score"):
            by_topic[category_id].append(score)
    scales = []
    for row in rows:
        others = sorted(by_topic.get(row.category.pk, []))
        seen = row.score.expertise if row.score else 0.0
        experience = f"{points(row.everything)} in all, {points(seen)} of it seen by others"
        if row.score is None:
            scales.append(OwnScale(row, 0, "Others see no score here.", "", experience))
            continue
        words = standing(row.score.score, others, row.category.name, who="in your network")
        scales.append(
            OwnScale(
                row,
                percent_below(row.score.score, others) if others else 0,
                words,
                reach_words(row.score),
                experience,
            )
        )
    return scales


@dataclass
class VoiceScale:
    voice: Voice
    percent: int  # of the strongest voice shown, for the bar
    words: str
    experience: str  # "3 points of experience in Bikes"


def voice_scales(viewer: User, category: Category, voices: Iterable[Voice]) -> list[VoiceScale]:
    """Each voice's bar (against the strongest shown) and standing among every score the viewer
    may see in the topic (one query)."""
    voices = list(voices)
    if not voices:
        return []
    others = sorted(voice_scores(viewer, category).values_list("score", flat=True))
    top = max(v.score.score for v in voices) or 1.0
    scales = []
    for voice in voices:
        rest = list(others)
        if voice.score.score in rest:
            rest.remove(voice.score.score)  # compared with the others, not with themself
        words = standing(voice.score.score, rest, category.name, who="in your network")
        experience = f"{points(voice.score.expertise)} of experience in {category.name}"
        scales.append(VoiceScale(voice, round(100 * voice.score.score / top), words, experience))
    return scales
