"""Who bought what, among a topic's purchases (`TopicPurchase`): by kind (a child of the matched
category) and by brand within a kind. The funnel names friends from these; the counts beyond
friends are drawn from the same groupings (`beyond`)."""

from __future__ import annotations

from collections import Counter, defaultdict

from recommendations.social_search.matching import TopicMatch
from recommendations.social_search.network import TopicPurchase

Buyers = dict[int, set[int]]  # a kind's or brand's id -> the ids of the people who bought one


def kind_ids(match: TopicMatch, kind_pk: int | None) -> set[int]:
    """The categories of a kind: the kind and its descendants."""
    return {pk for pk, kind in match.kinds.items() if kind.pk == kind_pk}


def kind_buyers(match: TopicMatch, rows: list[TopicPurchase]) -> Buyers:
    """Per kind (a child of the matched category): who bought one."""
    buyers: Buyers = defaultdict(set)
    for row in rows:
        kind = match.kinds.get(row.category)
        if kind is not None:
            buyers[kind.pk].add(row.buyer)
    return buyers


def brand_buyers(rows: list[TopicPurchase], in_kind: set[int]) -> Buyers:
    """Per brand: who bought one of that brand in the kind (`in_kind`: its categories)."""
    buyers: Buyers = defaultdict(set)
    for row in rows:
        if row.brand and row.category in in_kind:
            buyers[row.brand].add(row.buyer)
    return buyers


def most_buyers(buyers: Buyers) -> int | None:
    """The kind or brand most people bought (ties: the smallest id as text), or None."""
    if not buyers:
        return None
    counts = Counter({key: len(ids) for key, ids in buyers.items()})
    return sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))[0][0]


def one_key_each(buyers: Buyers) -> dict[str, int]:
    """Per key, how many people are counted under it when each person is counted under one of
    their keys only (the smallest id: a rule of their own rows alone, so one person, added or
    taken away, moves one count by one, which is what noisy partition selection is calibrated
    for)."""
    chosen: dict[int, int] = {}
    for key, people in buyers.items():
        for person in people:
            if person not in chosen or key < chosen[person]:
                chosen[person] = key
    return {str(key): n for key, n in Counter(chosen.values()).items()}
