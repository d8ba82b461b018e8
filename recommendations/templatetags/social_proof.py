"""`{% friends_who_bought product_model %}`: the friends (and, from k on, the number of friends of
friends) who bought or reviewed a product model, for product and listing pages.
`{% brand_network_reviews brand %}`: the viewer's network's reviews of a brand's products, for the
brand's page.
`{% brand_voices_near listing %}`: for the listing's seller alone, the banded total of trusted
voices near the listing who recommend its brand ("3 or more ..."); nothing for anyone else.

    {% load social_proof %}{% friends_who_bought listing.product_model %}
    {% brand_voices_near listing %}

The marketplace's templates use the tags so that the marketplace never imports recommendations.
Showing a panel writes one usage-log entry per person it names or counts."""

from __future__ import annotations

from django import template

from recommendations.social_search import friends_who_bought as who_bought
from recommendations.social_search import record_usage
from recommendations.social_search.brands import brand_network_reviews as network_reviews
from recommendations.trusted import brand_voices_near as voices_near

register = template.Library()


@register.inclusion_tag("recommendations/search/_friends_who_bought.html", takes_context=True)
def friends_who_bought(context, product):
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if product is None or viewer is None or not viewer.is_authenticated:
        return {"answer": None}
    answer = who_bought(viewer, product)
    record_usage(answer.usage)
    return {"answer": answer}


@register.inclusion_tag("recommendations/influence/_brand_voices_near.html", takes_context=True)
def brand_voices_near(context, listing):
    viewer = getattr(context.get("request"), "user", None)
    # Nothing for anyone but the seller: `brand_voices_near` decides.
    return {"near": voices_near(viewer, listing) if listing is not None else None}


@register.inclusion_tag("recommendations/search/_brand_network_reviews.html", takes_context=True)
def brand_network_reviews(context, brand):
    viewer = getattr(context.get("request"), "user", None)
    if viewer is None or not viewer.is_authenticated:
        return {"found": None, "brand": brand}
    found = network_reviews(viewer, brand)
    record_usage(found.usage)
    return {"found": found, "brand": brand}
