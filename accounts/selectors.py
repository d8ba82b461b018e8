"""Reads on identity and profiles."""

from __future__ import annotations

from accounts.models import Profile, User


def profile_for(user: User) -> Profile:
    """The profile of `user`, with interests prefetched; made if it is somehow missing."""
    profile, _ = Profile.objects.prefetch_related("interests").get_or_create(user=user)
    return profile
