from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def notifications(request) -> dict:
    """The unread notification count for the nav, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from social.selectors import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
