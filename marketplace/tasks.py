"""Marketplace Celery tasks: thin wrappers over services (see each feature's service module)."""

from celery import shared_task


@shared_task(name="marketplace.notify_saved_searches")
def notify_saved_searches(listing_id: int) -> int:
    """A listing went live: tell the owners of saved searches it matches. Returns how many."""
    from marketplace.services.search import saved_searches_notify

    return saved_searches_notify(listing_id=listing_id)


@shared_task(name="marketplace.expire_listings")
def expire_listings() -> int:
    """Hourly (beat): expire listings on sale for more than 60 days, telling each seller."""
    from marketplace.services.listing_lifecycle import listings_expire

    return listings_expire()


@shared_task(name="marketplace.purge_old_reports")
def purge_old_reports() -> int:
    """Daily (beat): delete reports resolved more than REPORT_RETENTION_DAYS ago. Returns how
    many."""
    from marketplace.services.reports import reports_purge_expired

    return reports_purge_expired()


@shared_task(name="marketplace.notify_price_drop")
def notify_price_drop(listing_id: int, old_price: str, new_price: str) -> int:
    """A seller lowered a listing's price: tell the people watching it. Returns how many."""
    from marketplace.services.price_drops import price_drop_notify

    return price_drop_notify(listing_id=listing_id, old_price=old_price, new_price=new_price)
