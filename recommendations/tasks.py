"""Recommendation Celery tasks: thin wrappers over the computations."""

from celery import shared_task


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
