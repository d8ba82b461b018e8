"""`money`: every price shown, one way (`marketplace.services.money.money`: "€1,200",
"£89.50"). `{% load money %}{{ listing.price|money:listing.currency }}`."""

from __future__ import annotations

from django import template

from marketplace.services.money import money

register = template.Library()
register.filter("money", money)
