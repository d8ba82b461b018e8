"""Price-drop alerts: when a seller lowers a listing's price, the people watching it hear of it.

`listing_update` calls `on_price_changed` inside its transaction; a drop queues the task
"marketplace.notify_price_drop" after the commit (nothing is sent for an edit that rolls back).
The task (`price_drop_notify`) tells, in one batch, each watcher who may still open the listing
(`Listing.objects.openable_by`: audience, blocks, moderation): never the seller, each watcher once
per drop, even when the task runs again.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import OuterRef

from accounts.models import User
from marketplace.models import Listing, Watch
from marketplace.selectors.listings import openable_among
from marketplace.services.deal_rules import listing_url
from marketplace.services.money import money
from social.audience import blocked_either_way
from social.models import Notification
from social.services.notifications import NewNotification, notifications_create

NOTIFICATION_KIND = "market_price_drop"


def on_price_changed(listing: Listing, old_price: Decimal) -> None:
    """`listing`'s price was just changed from `old_price` (inside the seller's transaction):
    a drop on a listing on sale queues the watchers' alert after the commit."""
    from marketplace.tasks import notify_price_drop

    if listing.price >= old_price or listing.status != Listing.Status.ACTIVE or listing.hidden:
        return
    notify_price_drop.enqueue(listing.pk, str(old_price), str(listing.price))


def price_drop_notify(*, listing_id: int, old_price: str, new_price: str) -> int:
    """Tell the watchers of `listing_id` that its price went from `old_price` to `new_price`;
    returns how many were told. Nothing when the listing is no longer on sale at that price
    (a later edit raised it again, it was hidden or sold): only the latest drop is news."""
    try:
        old, new = Decimal(old_price), Decimal(new_price)
    except InvalidOperation:
        return 0
    listing = (
        Listing.objects.filter(pk=listing_id, price=new, hidden=False, status=Listing.Status.ACTIVE)
        .select_related("seller")
        .first()
    )
    if listing is None or not listing.seller.is_active or new >= old:
        return 0
    url = listing_url(listing)
    text = (
        f"Price drop: “{listing.title}” is now {money(new, listing.currency)} "
        f"(was {money(old, listing.currency)})."
    )
    already = Notification.objects.filter(kind=NOTIFICATION_KIND, url=url, text=text)
    watcher_ids = (
        Watch.objects.filter(listing=listing, user__is_active=True)
        .exclude(user_id=listing.seller_id)
        .exclude(user_id__in=already.values("recipient_id"))
        .exclude(blocked_either_way(OuterRef("user_id"), listing.seller_id))
        .values_list("user_id", flat=True)
    )
    watchers = User.objects.select_related("profile").in_bulk(list(watcher_ids))
    may_open = openable_among(watchers, [(pk, listing.pk) for pk in watchers])
    notices = [
        NewNotification(
            recipient_id=pk,
            kind=NOTIFICATION_KIND,
            about_id=listing.seller_id,
            text=text,
            url=url,
        )
        for pk in sorted(watchers)
        if (pk, listing.pk) in may_open
    ]
    notifications_create(notices=notices, deliver_now=True)
    return len(notices)
