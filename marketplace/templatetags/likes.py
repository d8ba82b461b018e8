"""Likes on a thing's page: `{% like_panel "post" post %}` (the viewer's like button, with the
audience of a new like, and the friends whose like reaches them), and `{% like_line summary %}`
for a `Likes` computed for a list (`marketplace.selectors.likes.likes_of`).

    {% load likes %}{% like_panel "listing" listing %}
"""

from __future__ import annotations

from django import template

from marketplace.selectors.likes import Likes, likes_of
from social.audience import Audience

register = template.Library()


@register.inclusion_tag("marketplace/likes/_panel.html", takes_context=True)
def like_panel(context, kind: str, thing):
    viewer = getattr(context.get("request"), "user", None)
    return {
        "likes": likes_of(viewer, kind, [thing.pk])[thing.pk],
        "user": viewer,
        "audiences": Audience.choices,
        "request": context.get("request"),
    }


@register.inclusion_tag("marketplace/likes/_panel.html", takes_context=True)
def like_line(context, likes: Likes | None):
    return {
        "likes": likes,
        "user": getattr(context.get("request"), "user", None),
        "audiences": Audience.choices,
        "request": context.get("request"),
        "compact": True,
    }
