"""`{% brand_posts_in_feed %}`: on the feed, the latest posts of the brands the viewer is a fan of
and asked to hear from (nothing for anyone else). The feed's template lives in `social`, which
cannot import the marketplace: the tag brings the brands' posts to it.

    {% load brand_side %}{% brand_posts_in_feed %}

`{% sponsored_offers %}`: the brands' offers the viewer asked for, marked "Sponsored".
"""

from __future__ import annotations

from django import template

from marketplace.selectors.brands import brand_posts_for_feed
from marketplace.services.brand_offers import offers_for

register = template.Library()


@register.inclusion_tag("marketplace/brands/_feed_posts.html", takes_context=True)
def brand_posts_in_feed(context):
    viewer = getattr(context.get("request"), "user", None)
    return {"brand_posts": brand_posts_for_feed(viewer)}


@register.inclusion_tag("marketplace/brands/_sponsored.html", takes_context=True)
def sponsored_offers(context):
    """The brands' offers the viewer asked for (and allows), labelled "Sponsored"."""
    viewer = getattr(context.get("request"), "user", None)
    return {"offers": offers_for(viewer), "request": context.get("request")}
