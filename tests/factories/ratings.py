"""Ratings after deals, given through the ratings service, and sellers with a record of them."""

from __future__ import annotations

from collections.abc import Sequence

from accounts.models import User
from marketplace.models import Purchase, Rating
from marketplace.services.ratings import rating_give
from tests.factories.deals import make_sale
from tests.factories.listings import marlin_for_sale
from tests.factories.people import PersonFactory


def make_rating(purchase: Purchase, rater: User, stars: int = 5, line: str = "") -> Rating:
    """`rater` (a side of the sale) rates the other side (`rating_give`)."""
    return rating_give(rater=rater, purchase=purchase, stars=stars, line=line)


def sold_and_rated(seller: User, stars: Sequence[int], lines: Sequence[str] = ()) -> list[Purchase]:
    """`seller` sold a Trek Marlin 7 to a new buyer for each of `stars`, as sales go here
    (`make_sale`), and each buyer rated them so (with the line of the same place, if any).
    Returns the sales."""
    sales = []
    for index, count in enumerate(stars):
        buyer = PersonFactory.create(name=f"Buyer {index + 1} of {seller.display_name}")
        sale = make_sale(marlin_for_sale(seller, title=f"Bike {index + 1}"), buyer)
        make_rating(sale, buyer, count, lines[index] if index < len(lines) else "")
        sales.append(sale)
    return sales
