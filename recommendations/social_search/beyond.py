"""What the funnel may say of friends of friends: one noisy release a day per question
(`privacy.releases`), from the daily privacy budget. Friends of friends are never named; their
counts, and a kind or brand taken from their purchases alone, pass calibrated noise first."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from privacy.releases import Draw, release
from recommendations.social_search.buyers import (
    brand_buyers,
    kind_buyers,
    kind_ids,
    one_key_each,
)
from recommendations.social_search.matching import TopicMatch
from recommendations.social_search.network import GatedNetwork, TopicPurchase


@dataclass(frozen=True)
class Beyond:
    """What the funnel may say of friends of friends, noisy (`privacy.releases`): the kind and
    brand taken from their purchases when friends name none (each passed a noisy threshold),
    and each step's count; None where nothing is said."""

    kind: int | None = None
    brand: int | None = None
    talked: int | None = None
    bought: int | None = None
    of_kind: int | None = None
    of_brand: int | None = None
    exhausted: bool = False
    drawn: bool = False  # drawn for this search (not today's answer repeated)


SELECTION_SHARE = 0.25  # of a funnel release's ε, for each of the kind and the brand, if needed


def beyond_friends(
    viewer: User,
    network: GatedNetwork,
    match: TopicMatch,
    *,
    talked: set[int],
    rows: list[TopicPurchase],
    friend_kind: int | None,
    friend_brand: int | None,
) -> Beyond:
    """The funnel's friends of friends, as one noisy release (one question a day: the query's
    match, and the kind and brand the friends named). `talked`: the friends of friends whose
    posts about it the viewer may see; `rows`: the consenting friends of friends' purchases of
    it. Nothing is said of people who could not be counted at all (no friend of a friend, or
    none who consented): no release, no budget.

    The buyers are counted in disjoint cells (bought another kind, bought the kind but not the
    brand, bought the brand), so one person moves one cell by one; with the talked count, one
    person moves the noisy vector by at most two. The steps are sums of cells: "bought one" is
    never below "bought the kind", nor that below "the same brand"."""
    counts_talked = bool(network.fof)
    counts_buyers = bool(network.consenting_graph.fof)
    if not (counts_talked or counts_buyers):
        return Beyond()
    question = (
        "funnel",
        sorted(match.category_ids),
        sorted(match.product_ids),
        sorted(match.brand_ids),
        sorted(match.tags),
        friend_kind,
        friend_brand,
    )

    def draw(noise: Draw) -> dict[str, int | None]:
        kind, brand = friend_kind, friend_brand
        selections = 0.0
        if counts_buyers and kind is None and match.kinds:
            share = SELECTION_SHARE * noise.epsilon
            selections += share
            picked = noise.select(
                one_key_each(kind_buyers(match, rows)), contributions=1, epsilon=share
            )
            kind = int(max(picked, key=lambda k: (picked[k], -int(k)))) if picked else None
        if counts_buyers and kind is not None and brand is None:
            share = SELECTION_SHARE * noise.epsilon
            selections += share
            by_brand = brand_buyers(rows, kind_ids(match, kind))
            picked = noise.select(one_key_each(by_brand), contributions=1, epsilon=share)
            brand = int(max(picked, key=lambda k: (picked[k], -int(k)))) if picked else None
        in_kind = kind_ids(match, kind)
        cell: dict[int, int] = {}  # buyer -> 0 another kind, 1 the kind, 2 the kind and brand
        for row in rows:
            here = 0
            if row.category in in_kind:
                here = 2 if brand is not None and row.brand == brand else 1
            cell[row.buyer] = max(cell.get(row.buyer, 0), here)
        cells = [0, 0, 0]
        for here in cell.values():
            cells[here] += 1
        true = ([len(talked)] if counts_talked else []) + (cells if counts_buyers else [])
        sensitivity = int(counts_talked) + int(counts_buyers)
        noisy = noise.counts(true, sensitivity=sensitivity, epsilon=noise.epsilon - selections)
        answer: dict[str, int | None] = {"kind": kind, "brand": brand}
        if counts_talked:
            answer["talked"] = noisy.pop(0)
        if counts_buyers:
            other, of_kind, of_brand = noisy
            answer.update(
                bought=other + of_kind + of_brand,
                of_kind=of_kind + of_brand if kind is not None else None,
                of_brand=of_brand if brand is not None else None,
            )
        return answer

    released = release(viewer, question, draw)
    if released.value is None:
        return Beyond(kind=friend_kind, brand=friend_brand, exhausted=released.exhausted)
    return Beyond(**released.value, drawn=not released.repeated)
