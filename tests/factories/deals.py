"""Offers, reservations, sales and purchases, made through the deals services."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory

from accounts.models import User
from marketplace.models import Listing, Offer, ProductModel, Purchase
from marketplace.services.offers import offer_accept, offer_make
from marketplace.services.purchases import purchase_declare, sale_complete


def make_offer(listing: Listing, buyer: User, amount: str = "400") -> Offer:
    """`buyer` offers `amount` on `listing` (`offer_make`: the seller is notified)."""
    return offer_make(buyer=buyer, listing=listing, amount=amount)


def reserve_for(listing: Listing, buyer: User, amount: str = "400") -> Offer:
    """`listing` reserved for `buyer`: their offer of `amount`, accepted by the seller
    (`offer_accept`: every other open offer on it is declined, the buyers are told)."""
    return offer_accept(seller=listing.seller, offer=make_offer(listing, buyer, amount))


def make_sale(listing: Listing, buyer: User, amount: str = "400") -> Purchase:
    """`listing` sold to `buyer` for `amount` as a sale goes here: reserved for them, then
    marked sold by the seller (`sale_complete`). Returns the verified purchase it leaves."""
    reserve_for(listing, buyer, amount)
    return sale_complete(seller=listing.seller, listing=listing)


class PurchaseFactory(factory.django.DjangoModelFactory[Purchase]):
    """A purchase row. Only `make_purchase(verified=True)` uses it: see why there."""

    class Meta:
        model = Purchase

    category = factory.LazyAttribute(lambda o: o.product_model.category)
    brand = factory.LazyAttribute(lambda o: o.product_model.brand)
    description = factory.LazyAttribute(lambda o: str(o.product_model))
    purchased_on = date(2026, 3, 1)


def make_purchase(
    buyer: User, product: ProductModel, *, verified: bool = False, **fields: Any
) -> Purchase:
    """`buyer` bought `product` on 1 March 2026.

    Unverified, it is declared through `purchase_declare`, as a person records something bought
    elsewhere. Verified (`verified=True`, a trait) it is the row a sale here leaves, written
    directly on purpose: a sale through the services (`sale_complete`) needs a seller, a listing
    and an accepted offer, whose rows and notifications tests of badges and influence do not
    want; such a purchase is like one whose seller has since been erased."""
    fields.setdefault("description", str(product))
    if verified:
        return PurchaseFactory.create(buyer=buyer, product_model=product, verified=True, **fields)
    return purchase_declare(
        buyer=buyer,
        category=product.category,
        product_model=product,
        purchased_on=fields.pop("purchased_on", date(2026, 3, 1)),
        **fields,
    )
