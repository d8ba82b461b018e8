"""A listing's lifecycle: the moves its status can make, and the seller's own moves.

Every change of a listing's status goes through `listing_transition`, which allows only the
moves in `TRANSITIONS` (draft → active → reserved → sold, or withdrawn, or expired) and refuses
anything else with a message a person can act on. Other features (offers, sales) call it or its
named wrappers; nothing else writes `Listing.status`. The checks every change of a listing makes
(`require_seller`, `require_editable`) live here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn, Protocol

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.bulk import numbered_rows
from config.errors import Conflict, DomainError, NotAllowed
from marketplace.models import Listing
from marketplace.services.search import on_listing_published
from social.services.notifications import notify

Status = Listing.Status

# The only moves a listing's status can make. Sold is final; a withdrawn or expired listing can
# be put up again (relisted). Sold comes only after a reservation (an accepted offer), so every
# sale here has a buyer.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
    Status.ACTIVE: frozenset({Status.RESERVED, Status.WITHDRAWN, Status.EXPIRED}),
    Status.RESERVED: frozenset({Status.ACTIVE, Status.SOLD, Status.WITHDRAWN}),
    Status.SOLD: frozenset(),
    Status.WITHDRAWN: frozenset({Status.ACTIVE}),
    Status.EXPIRED: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
}

# How a refusal reads: "A sold listing can't be withdrawn."
_VERB = {
    Status.DRAFT: "turned back into a draft",
    Status.ACTIVE: "published",
    Status.RESERVED: "reserved",
    Status.SOLD: "marked sold",
    Status.WITHDRAWN: "withdrawn",
    Status.EXPIRED: "expired",
}

EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.ACTIVE, Status.RESERVED})
EXPIRE_AFTER = timedelta(days=60)


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"


@transaction.atomic
def listing_transition(listing: Listing, to_status: str) -> Listing:
    """Move `listing` to `to_status` if `TRANSITIONS` allows it; returns the same object, updated.

    The row is locked first, so two requests racing (two offers accepted, a sale and a
    withdrawal) see each other's result: the second is refused. Publishing or relisting stamps
    `published_at` (the 60-day expiry counts from it); selling stamps `sold_at`.
    Raises `Conflict` (a `DomainError`, 409) naming the refused move, and changes nothing."""
    current = Listing.objects.select_for_update().only("status", "published_at").get(pk=listing.pk)
    _check_move(current.status, to_status)
    fields = _moved(listing, current.status, to_status, timezone.now())
    listing.save(update_fields=fields)
    return listing


def _check_move(from_status: str, to_status: str) -> None:
    """`TRANSITIONS`, as a refusal naming the move."""
    if to_status not in Status.values:
        raise DomainError(f"Unknown listing status “{to_status}”.", code="bad_status")
    if from_status == to_status:
        raise Conflict(
            f"This listing is already {Status(to_status).label.lower()}.", code="same_status"
        )
    if to_status not in TRANSITIONS[from_status]:
        label = Status(from_status).label.lower()
        raise Conflict(
            f"{_article(label)} {label} listing can't be {_VERB[Status(to_status)]}.",
            code="illegal_transition",
        )


def _moved(listing: Listing, from_status: str, to_status: str, now: datetime) -> list[str]:
    """Move `listing` (unsaved) and stamp what the move stamps; returns the fields changed.
    Publishing or relisting stamps `published_at` (the 60-day expiry counts from it); selling
    stamps `sold_at`."""
    listing.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Status.ACTIVE and from_status != Status.RESERVED:
        listing.published_at = now
        fields.append("published_at")
    if to_status == Status.SOLD:
        listing.sold_at = now
        fields.append("sold_at")
    return fields


@dataclass(frozen=True)
class ListingMove:
    """A move of a listing's status to make in bulk, and when it happened (None: now)."""

    listing: Listing
    to_status: str
    at: datetime | None = None


@transaction.atomic
def listings_transition(*, moves: Sequence[ListingMove]) -> list[Listing]:
    """`listing_transition` for many moves at once (the demo, imports), in order, one listing
    possibly moving several times (draft, active, reserved, sold), each move checked against
    `TRANSITIONS` and stamped at its time. Raises Conflict naming the first row refused; then
    nothing is written. Returns the listings moved, once each."""
    locked = Listing.objects.select_for_update().in_bulk({move.listing.pk for move in moves})
    current = {pk: listing.status for pk, listing in locked.items()}
    moved: dict[int, Listing] = {}
    for index, move in enumerate(moves):
        listing = move.listing
        with numbered_rows(index):
            _check_move(current[listing.pk], move.to_status)
        now = move.at or timezone.now()
        _moved(listing, current[listing.pk], move.to_status, now)
        listing.updated_at = now  # bulk_update leaves auto_now alone
        current[listing.pk] = move.to_status
        moved[listing.pk] = listing
    Listing.objects.bulk_update(
        list(moved.values()), ["status", "published_at", "sold_at", "updated_at"], batch_size=200
    )
    return list(moved.values())


def listing_mark_reserved(listing: Listing) -> Listing:
    """Reserve an active listing (an offer was accepted). Conflict if it is not active."""
    return listing_transition(listing, Status.RESERVED)


def listing_mark_sold(listing: Listing) -> Listing:
    """Mark a reserved listing sold. Conflict if it is not reserved."""
    return listing_transition(listing, Status.SOLD)


def listing_unreserve(listing: Listing) -> Listing:
    """Put a reserved listing back on sale (the accepted offer fell through)."""
    return listing_transition(listing, Status.ACTIVE)


def require_seller(seller: User, listing: Listing) -> None:
    """Only a listing's seller changes it: NotAllowed for anyone else."""
    if listing.seller_id != getattr(seller, "pk", None):
        raise NotAllowed("Only the seller can change this listing.", code="not_seller")


def require_editable(listing: Listing) -> None:
    """Fields and photos change only while draft, active or reserved, and not while a moderator
    has the listing hidden: Conflict otherwise."""
    if listing.hidden:
        raise Conflict(
            "A moderator hid this listing, so it can't be edited; appeal the decision instead.",
            code="hidden_listing",
        )
    if listing.status not in EDITABLE_STATUSES:
        label = Status(listing.status).label.lower()
        raise Conflict(
            f"{_article(label)} {label} listing can't be edited"
            + ("." if listing.status == Status.SOLD else "; relist it first."),
            code="not_editable",
        )


def locked_listing(listing: Listing) -> Listing:
    """The listing's row, locked until the transaction ends: two edits run one after the other."""
    return Listing.objects.select_for_update().get(pk=listing.pk)


def _check_publishable(listing: Listing) -> None:
    if listing.hidden:
        raise NotAllowed(
            "A moderator hid this listing; it can't be put up again.", code="hidden_listing"
        )


@transaction.atomic
def listing_publish(*, seller: User, listing: Listing) -> Listing:
    """Put a draft on sale for its audience. NotAllowed for anyone but the seller."""
    require_seller(seller, listing)
    _check_publishable(listing)
    if listing.status != Status.DRAFT:
        _refuse(listing, "publish")
    listing = listing_transition(listing, Status.ACTIVE)
    on_listing_published(listing)  # saved searches that match hear of it after the commit
    return listing


def _refuse(listing: Listing, action: str) -> NoReturn:
    label = Status(listing.status).label.lower()
    hint = {
        "publish": "Only a draft can be published; relist a withdrawn or expired one.",
        "relist": "Only a withdrawn or expired listing can be relisted.",
    }[action]
    raise Conflict(
        f"{_article(label)} {label} listing can't be {action}ed. {hint}",
        code="illegal_transition",
    )


@transaction.atomic
def listing_withdraw(*, seller: User, listing: Listing) -> Listing:
    """Take a listing off sale (from draft, active, reserved or expired). Sold is final."""
    require_seller(seller, listing)
    return listing_transition(listing, Status.WITHDRAWN)


@transaction.atomic
def listing_relist(*, seller: User, listing: Listing) -> Listing:
    """Put a withdrawn or expired listing on sale again, for another 60 days."""
    require_seller(seller, listing)
    _check_publishable(listing)
    if listing.status not in (Status.WITHDRAWN, Status.EXPIRED):
        _refuse(listing, "relist")
    return listing_transition(listing, Status.ACTIVE)


class SellerAction(Protocol):
    """A move the seller makes on their own listing, by name in `SELLER_ACTIONS`."""

    def __call__(self, *, seller: User, listing: Listing) -> Listing: ...


SELLER_ACTIONS: dict[str, SellerAction] = {
    "publish": listing_publish,
    "withdraw": listing_withdraw,
    "relist": listing_relist,
}


def listing_act(*, seller: User, listing: Listing, action: str) -> Listing:
    """One of the seller's own moves by name ("publish", "withdraw", "relist")."""
    try:
        service = SELLER_ACTIONS[action]
    except KeyError:
        raise DomainError(
            f"Unknown action “{action}”. Choose one of: {', '.join(SELLER_ACTIONS)}.",
            code="bad_action",
        ) from None
    return service(seller=seller, listing=listing)


def listings_expire(*, now: datetime | None = None) -> int:
    """Expire active listings published more than 60 days ago and tell each seller.

    Each listing moves in its own transaction through `listing_transition`, so one that was
    reserved or withdrawn meanwhile is skipped, and a rerun does nothing twice. Returns how many
    expired."""
    now = now or timezone.now()
    due = Listing.objects.filter(status=Status.ACTIVE, published_at__lt=now - EXPIRE_AFTER)
    expired = 0
    for listing in due.select_related("seller").iterator():
        try:
            with transaction.atomic():
                listing_transition(listing, Status.EXPIRED)
                notify(
                    recipient=listing.seller,
                    kind="listing_expired",
                    text=(
                        f"Your listing “{listing.title}” expired after 60 days. "
                        "Relist it if it is still for sale."
                    ),
                    url=reverse("marketplace:listing_mine"),
                )
        except Conflict:
            continue
        expired += 1
    return expired
