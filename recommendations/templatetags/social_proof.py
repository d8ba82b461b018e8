"""`{% friends_who_bought product_model %}`: the friends (and, from k on, the number of friends of
friends) who bought or reviewed a product model, for product and listing pages.

    {% load social_proof %}{% friends_who_bought listing.product_model %}

The marketplace's templates use the tag so that the marketplace never imports recommendations.
Showing the panel writes one usage-log entry per person it names or counts."""

from __future__ import annotations

from django import template

from recommendations.social_search import friends_who_bought as who_bought
from recommendations.social_search import record_usage

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
