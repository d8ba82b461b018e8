from __future__ import annotations

from django.conf import settings


def site(request) -> dict:
    """What every page needs: which social logins are configured (their buttons show only then)."""
    return {
        "social_providers": sorted(settings.SOCIALACCOUNT_PROVIDERS),
        "demo_mode": not settings.PRODUCTION,
    }
