"""Whose data a search counted or showed. Reading never writes: a search returns these uses, and
its caller (page, API, "friends who bought this") passes them to `record_usage` once the result
is shown: one usage-log entry per person."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.models import Review
from privacy import usage as usage_log
from privacy.purposes import Purpose


@dataclass(slots=True)
class Usage:
    """That one search counted or showed one person's data: one use, whatever it showed of
    them (a purchase counted, several reviews shown): one usage-log entry."""

    reviewed: str = ""  # a product whose review was shown, for the label

    @property
    def label(self) -> str:
        if self.reviewed:
            return f"Your review of {self.reviewed} was shown in friends' searches"
        return "Your purchases were counted in friends' searches"


Uses = dict[int, Usage]  # by the id of the person whose data was used


def note_use(uses: Uses, owner_id: int, reviewed: str = "") -> None:
    """`owner_id`'s data was counted (or, with `reviewed`, a review of theirs shown)."""
    entry = uses.get(owner_id)
    if entry is None:
        entry = uses[owner_id] = Usage()
    if reviewed and not entry.reviewed:
        entry.reviewed = reviewed


def note_shown(uses: Uses, review: Review) -> None:
    """A review on the page: its author's one use of this search says which review."""
    if review.author_id is not None:  # a search shows reviews by people of the network
        note_use(uses, review.author_id, reviewed=str(review.product_model))


def record_usage(uses: Uses) -> None:
    """One usage-log entry per person whose data a search counted or showed: one use each, all
    written in one statement."""
    usage_log.record_uses(
        (owner_id, Purpose.SOCIAL_PROOF, entry.label, 1) for owner_id, entry in uses.items()
    )
