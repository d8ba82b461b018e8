"""Amounts of money people type: a listing's price, an offer. One parser, each caller's words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from config.errors import DomainError

CENT = Decimal("0.01")
# An amount as a form or the API hands it over: typed text, or already parsed.
MoneyInput = str | int | float | Decimal | None


@dataclass(frozen=True)
class MoneyWords:
    """The (message, code) a caller gives for each way an amount can be wrong."""

    not_a_number: tuple[str, str]
    too_low: tuple[str, str]
    too_high: tuple[str, str]
    too_precise: tuple[str, str]
    field: str | None = None


def clean_money(value: MoneyInput, *, maximum: Decimal, words: MoneyWords) -> Decimal:
    """`value` ("89,50", 89.5, Decimal…) as a Decimal with two places: more than 0, at most
    `maximum`, no fraction of a cent. DomainError in the caller's words otherwise."""

    def refuse(reason: tuple[str, str]) -> DomainError:
        message, code = reason
        return DomainError(message, code=code, field=words.field)

    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        raise refuse(words.not_a_number) from None
    if not amount.is_finite():
        raise refuse(words.not_a_number)
    if amount <= 0:
        raise refuse(words.too_low)
    if amount > maximum:
        raise refuse(words.too_high)
    if amount != amount.quantize(CENT):
        raise refuse(words.too_precise)
    return amount.quantize(CENT)
