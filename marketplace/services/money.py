"""Amounts of money: what people type (a listing's price, an offer, a search's price bounds: one
parser, `parse_amount`, each caller's words and limits) and how every amount is shown (`money`,
on pages through the `money` filter and in notices alike)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from config.errors import DomainError
from marketplace.models import Listing

CENT = Decimal("0.01")
# An amount as a form or the API hands it over: typed text, or already parsed.
MoneyInput = str | int | float | Decimal | None


# Spaces people put between thousands ("1 200", "1 200" with a no-break or a thin space, the
# Swiss "1'200") and currency signs typed with the amount.
_IGNORED = re.compile(r"[\s\u00a0\u202f\u2009'’€£$]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_amount(value: MoneyInput) -> Decimal:
    """An amount as people type it, in English or French: "89.50", "89,50", "1 200",
    "1,200.50", "1.200,50", "€ 89". With both a comma and a point, the last one is the decimal
    mark; a comma alone is a decimal mark ("89,50"), unless it comes more than once
    ("1,200,000"). Raises ValueError for anything else, including "NaN", "1e5" or nothing."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        amount = Decimal(value)
        if not amount.is_finite():
            raise ValueError("not a finite amount")
        return amount
    text = _IGNORED.sub("", str(value if value is not None else ""))
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        text = text.replace(grouping, "").replace(decimal_mark, ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"not an amount: {value!r}")
    return Decimal(text)


@dataclass(frozen=True)
class MoneyWords:
    """The (message, code) a caller gives for each way an amount can be wrong."""

    not_a_number: tuple[str, str]
    too_low: tuple[str, str]
    too_high: tuple[str, str]
    too_precise: tuple[str, str]
    field: str | None = None


def clean_money(value: MoneyInput, *, maximum: Decimal, words: MoneyWords) -> Decimal:
    """`value` ("89,50", "1 200", 89.5, Decimal…: `parse_amount`) as a Decimal with two
    places: more than 0, at most `maximum`, no fraction of a cent. DomainError in the caller's
    words otherwise."""

    def refuse(reason: tuple[str, str]) -> DomainError:
        message, code = reason
        return DomainError(message, code=code, field=words.field)

    try:
        amount = parse_amount(value)
    except (InvalidOperation, ValueError, TypeError):
        raise refuse(words.not_a_number) from None
    if amount <= 0:
        raise refuse(words.too_low)
    if amount > maximum:
        raise refuse(words.too_high)
    if amount != amount.quantize(CENT):
        raise refuse(words.too_precise)
    return amount.quantize(CENT)


SIGNS = {code: str(sign) for code, sign in Listing.Currency.choices}


def money(amount: MoneyInput | str, currency: str = "") -> str:
    """`amount` in `currency` shown one way (the site speaks English, `LANGUAGE_CODE`): the
    currency's sign before the amount, a comma between thousands, cents only when there are
    some ("€1,200", "£89.50"). A code without a sign is written before the amount; empty for no
    amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(CENT)
    except InvalidOperation:
        return ""
    sign = SIGNS.get(str(currency), f"{currency} " if currency else "")
    minus = "-" if value < 0 else ""
    value = abs(value)
    shown = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{minus}{sign}{shown}"
