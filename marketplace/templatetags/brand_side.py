"""`{% brand_posts_in_feed %}`: on the feed, the latest posts of the brands the viewer is a fan of
and asked to hear from (nothing for anyone else). The feed's template lives in `social`, which
cannot import the marketplace: the tag brings the brands' posts to it.

    {% load brand_side %}{% brand_posts_in_feed %}
"""

from __future__ import annotations

from django import template

from marketplace.selectors.brands import brand_posts_for_feed

register = template.Library()


@register.inclusion_tag("marketplace/brands/_feed_posts.html", takes_context=True)
def brand_posts_in_feed(context):
    viewer = getattr(context.get("request"), "user", None)
    return {"brand_posts": brand_posts_for_feed(viewer)}
