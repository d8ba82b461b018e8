"""Reading a social search result's funnel in tests."""

from __future__ import annotations

from typing import Any


def steps(result: Any) -> dict[str, tuple[int, int | None]]:
    """Each funnel step's (friends, friends of friends) counts, by step key."""
    return {step.key: (step.friends, step.fof) for step in result.funnel.steps}
