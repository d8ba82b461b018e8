"""What every export shares: dates, names, and who blocked the person."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from social.models import Block


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def name_of(user: User | None) -> str | None:
    """How another person appears to the owner: their display name, never their email."""
    return user.display_name if user is not None else None


def blockers_of(user: User) -> QuerySet[Block, Mapping[str, object]]:
    """The people who blocked `user` (a subquery): the export never names them."""
    return Block.objects.filter(blocked=user).values("blocker_id")
