"""Template tags of a person's own recommendations, for pages of other apps."""

from __future__ import annotations

from django import template

from recommendations import personal

register = template.Library()


@register.simple_tag(takes_context=True)
def also_bought_for(context, product) -> list[personal.AlsoBought]:
    """`{% also_bought_for product as items %}`: "people who bought this also bought" for the
    signed-in viewer (see `recommendations.personal.also_bought`)."""
    request = context.get("request")
    return personal.also_bought(getattr(request, "user", None), product)
