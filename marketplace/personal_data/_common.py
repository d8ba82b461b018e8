"""What every marketplace export shares: money, dates, names, who is hidden."""

from __future__ import annotations

from django.db.models import Q

from social.models import Block


def money(value) -> str | None:
    return None if value is None else str(value)


def when(value) -> str | None:
    return value.isoformat() if value else None


def name_of(user) -> str | None:
    """How another person appears to the owner: their display name, never their email."""
    return user.display_name if user is not None else None


def hidden_from(user) -> set[int]:
    """The people blocked either way with `user`: the pages show nothing of theirs to `user`."""
    return {
        other
        for pair in Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
            "blocker_id", "blocked_id"
        )
        for other in pair
        if other != user.pk
    }
