"""`money`: every price shown, one way. The site speaks one locale (English, `LANGUAGE_CODE`):
the currency's sign before the amount, a comma between thousands, cents only when there are
some ("€1,200", "£89.50"). `{% load money %}{{ listing.price|money:listing.currency }}`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from marketplace.models import Listing

register = template.Library()

SIGNS = {code: str(sign) for code, sign in Listing.Currency.choices}


@register.filter
def money(amount: Decimal | int | str | None, currency: str = "") -> str:
    """`amount` in `currency` (a code: EUR, GBP, USD; none: no sign). Empty for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return ""
    sign = SIGNS.get(str(currency), f"{currency} " if currency else "")
    minus = "-" if value < 0 else ""
    value = abs(value)
    shown = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{minus}{sign}{shown}"
