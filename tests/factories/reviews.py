"""Reviews, written through the review service."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from marketplace.models import HelpfulVote, ProductModel, Purchase, Review
from marketplace.services.reviews import helpful_vote_toggle, review_write
from tests.factories.catalog import make_product
from tests.factories.deals import make_purchase
from tests.factories.moderation import hidden_by_moderator


def make_review(
    author: User, product: ProductModel | None = None, *, hidden: bool = False, **fields: Any
) -> Review:
    """`author` reviews `product` (the Trek Marlin 7 by default) through `review_write`: four
    stars, "Solid bike", for signed-in members unless `fields` say otherwise. A review rests on
    a purchase: the one given (`purchase=`), else the author's own purchase of the product (the
    service ties their best), else one declared now (`make_purchase`).
    Trait `hidden`: hidden as a moderator leaves it (`hidden_by_moderator`)."""
    values: dict[str, Any] = {
        "rating": 4,
        "title": "Solid bike",
        "text": "Does what it says.",
        "audience": "members",
        **fields,
    }
    product = product or make_product()
    if values.get("purchase") is None and not (
        Purchase.objects.filter(buyer=author, product_model=product).exists()
    ):
        values["purchase"] = make_purchase(author, product)
    written = review_write(author=author, product_model=product, **values)
    return hidden_by_moderator(written) if hidden else written


def review(author: User, product: ProductModel, **fields: Any) -> Review:
    """The social search tests' review: titled after its author, for friends of friends."""
    values = {"title": f"{author.display_name} on it", "text": "Good.", "audience": "fof"}
    return make_review(author, product, **{**values, **fields})


def vote_helpful(review: Review, voter: User, *, out_of_sight: bool = False) -> HelpfulVote:
    """`voter` marks `review` helpful (`helpful_vote_toggle`).

    Trait `out_of_sight`: a vote on a review the voter may not see, written directly. The
    service refuses such a vote, yet votes like it exist: the review's audience narrowed, or a
    friendship ended, after the vote. Tests of what such votes may count need them."""
    if out_of_sight:
        return HelpfulVote.objects.create(review=review, voter=voter)
    helpful_vote_toggle(voter=voter, review_id=review.pk)
    return HelpfulVote.objects.get(review=review, voter=voter)
