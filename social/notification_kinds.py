"""Which notices a person may have emailed, grouped into the choices a person understands.

The one registry of notification kinds: every `kind` passed to `notify` belongs to one group
here, and each person chooses per group how it reaches them: in the app only, by email as it
happens, or in a daily digest (`social.models.NotificationPreference`). A kind in no group stays
in the app (friend requests, comments): the app is where they are acted on.

Account security is always emailed (its only choices send an email), and the deal events a
person is waiting on are emailed by default; saved-search matches and price drops come as a
digest.
"""

from __future__ import annotations

from dataclasses import dataclass

from social.models import NotificationPreference

Channel = NotificationPreference.Channel


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    kinds: tuple[str, ...]
    default: Channel
    choices: tuple[Channel, ...] = (Channel.IN_APP, Channel.EMAIL, Channel.DIGEST)

    @property
    def can_unsubscribe(self) -> bool:
        """A group whose email can be switched off in one click (not account security)."""
        return Channel.IN_APP in self.choices


GROUPS: tuple[Group, ...] = (
    Group(
        "offers",
        "Offers and counter-offers",
        (
            "market_offer",
            "market_offer_countered",
            "market_offer_accepted",
            "market_counter_accepted",
            "market_counter_declined",
            "market_offer_declined",
            "market_reservation_released",
        ),
        Channel.EMAIL,
    ),
    Group(
        "questions", "Questions and answers", ("market_question", "market_answer"), Channel.EMAIL
    ),
    Group("messages", "Messages", ("market_message",), Channel.EMAIL),
    Group("sales", "Sales and ratings", ("market_sold", "market_rated"), Channel.EMAIL),
    Group(
        "moderation",
        "Moderation",
        (
            "moderation_hidden",
            "moderation_restored",
            "moderation_appeal_upheld",
            "moderation_warning",
            "report_outcome",
        ),
        Channel.EMAIL,
    ),
    Group(
        "saved_searches",
        "Saved searches and price drops",
        ("saved_search", "market_price_drop", "listing_expired"),
        Channel.DIGEST,
    ),
    Group(
        "your_data",
        "Your data",
        ("export_ready", "erasure_scheduled", "erasure_cancelled"),
        Channel.EMAIL,
    ),
    Group(
        "security",
        "Account security",
        ("security_password_changed", "security_new_device"),
        Channel.EMAIL,
        choices=(Channel.EMAIL,),
    ),
)

BY_KEY = {group.key: group for group in GROUPS}
_BY_KIND = {kind: group for group in GROUPS for kind in group.kinds}


def group_of(kind: str) -> Group | None:
    """The group a notice kind belongs to, or None for kinds that stay in the app."""
    return _BY_KIND.get(kind)


def group_named(key: str) -> Group | None:
    return BY_KEY.get(key)
