"""Recommendation Celery tasks: thin wrappers over the computations."""

from celery import shared_task


@shared_task(name="recommendations.record_also_bought_usage")
def record_also_bought_usage(owner_ids: list[int], label: str) -> int:
    """Owners whose purchases were counted in someone's "also bought": one line in each one's
    usage log. Returns how many owners."""
    from recommendations.personal import record_usage

    return record_usage(owner_ids, label)


@shared_task(name="recommendations.influence_full")
def influence_full() -> int:
    """Nightly (beat): recompute every influence score. Returns the run's id."""
    from recommendations.influence import influence_run

    return influence_run(kind="full").pk


@shared_task(name="recommendations.influence_incremental")
def influence_incremental() -> int:
    """Shortly after reviews, purchases, friendships or consent changes (coalesced, see
    `recommendations.influence_events`): rewrite the scores that changed. Returns the run's id."""
    from recommendations.influence import influence_run

    return influence_run(kind="incremental").pk
