"""What a person's data may be used for, each explained in plain words, and the scopes a grant
can have. All purposes start off.

The notice text shown when someone grants is versioned and hashed into the ledger, so the record
says exactly what the person agreed to. Change a text: bump its version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import models


class Purpose(models.TextChoices):
    SOCIAL_PROOF = "social_proof", "Friends can learn from my purchases"
    INFLUENCE = "influence", "Trusted voice"
    PERSONALIZATION = "personalization", "Recommendations for me"
    OFFERS = "offers", "Offers from sellers"
    INSIGHTS = "insights", "Anonymous insights"


class Scope(models.TextChoices):
    CIRCLES = "circles", "Chosen circles"
    FRIENDS = "friends", "Friends"
    FOF = "fof", "Friends of friends"


# Purposes that use a person's data for that person alone: nobody else sees anything of it, so a
# grant has no scope (stored blank; the gate lets such a grant reach its owner only).
# Recommendations for yourself; offers, whose "to whom" is sellers in the categories you choose.
FOR_YOURSELF = frozenset({Purpose.PERSONALIZATION.value, Purpose.OFFERS.value})
NO_SCOPE = ""


def for_yourself(purpose: str) -> bool:
    """True for a purpose whose grant has no audience to choose."""
    return purpose in FOR_YOURSELF


def scope_label(purpose: str, scope: str) -> str:
    """Who a grant is for, as the pages say it: "friends", "friends of friends", "chosen
    circles", or "you alone"."""
    return "you alone" if for_yourself(purpose) else Scope(scope).label.lower()


@dataclass(frozen=True)
class Notice:
    purpose: Purpose
    version: int
    summary: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


NOTICES: dict[str, Notice] = {
    notice.purpose.value: notice
    for notice in [
        Notice(
            Purpose.SOCIAL_PROOF,
            2,
            "What you bought may be counted and shown to the people you choose.",
            "Your reviews are shown to the audience you give each one. Whether you bought the "
            'thing (the "verified purchase" badge on your review) and your purchases in what '
            'people see ("5 friends bought one", "friends who bought this") follow this consent '
            "and the scope you choose. In searches, your reviews are also counted and picked out "
            "only for people in that scope. Friends in it may see you by name; anyone else in it "
            "only ever sees a number that includes you, with random noise added, never your "
            "name. Nobody outside that scope sees or counts your purchases. You can withdraw at "
            "any time; it takes effect at once.",
        ),
        Notice(
            Purpose.INFLUENCE,
            1,
            "How far your experience reaches may be computed, and you may be shown as a trusted "
            "voice.",
            "Bazaar may compute how far your experience in a topic reaches through your friends "
            "and their friends, and show you as a trusted voice, or as the link to one, to the "
            "people in the scope you choose. You can see your own scores and what they are made "
            "of. You can withdraw at any time: you disappear from what others see at once and "
            "from the scores at the next computation.",
        ),
        Notice(
            Purpose.PERSONALIZATION,
            1,
            "What you view and buy may tailor your own recommendations.",
            "While this is on, Bazaar records which listings you view and uses them, with what "
            "you buy and review, to tailor recommendations for you alone. Nothing is recorded "
            "while it is off, and withdrawing stops the recording at once.",
        ),
        Notice(
            Purpose.OFFERS,
            1,
            "Sellers outside your network may send you offers in categories you choose.",
            "Sellers you do not know may send you offers, only in the categories and within the "
            "distance you choose. Without this, no seller can ever contact you first.",
        ),
        Notice(
            Purpose.INSIGHTS,
            2,
            "You may be counted in anonymous totals shown to sellers and brands.",
            "You may be included in totals shown to sellers and brands. A total never names "
            "anyone and always has random noise added, so that no total, and no comparison of "
            "two totals, can point to you. You can withdraw at any time; it takes effect at once.",
        ),
    ]
}


def notice_for(purpose: str) -> Notice:
    return NOTICES[purpose]
