"""Reviews: what people think of a product they have, for the audience they choose.

One review per person per product (a database constraint too): a second one is refused with a
pointer to editing the first. A review is tied to the author's own purchase of that product when
there is one ("verified purchase" when it was bought here); without a purchase named, the
author's best purchase of the product (verified first, then the latest) is tied automatically.

Helpful votes: anyone who may see a review, except its author, may mark it helpful once; voting
again takes the vote back.

Every refusal raises a `config.errors` error with a message a person can act on and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from accounts.models import User
from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import HelpfulVote, ProductModel, Purchase, Review
from social.services.posts import audience_checked

TITLE_MAX_LENGTH = Review.TITLE_MAX_LENGTH
ALREADY_REVIEWED = "You already reviewed this; edit your review instead."
# A product, a purchase or a review as a form or the API names it: the row, or its id as typed.
ProductRef = ProductModel | int | str | None
PurchaseRef = Purchase | int | str | None


def _product(product_model: ProductRef) -> ProductModel:
    if product_model is None or product_model == "":
        raise DomainError("Choose the product you are reviewing.", code="no_product")
    if isinstance(product_model, ProductModel):
        return product_model
    try:
        return ProductModel.objects.get(pk=int(product_model))
    except (ProductModel.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such product.", code="no_product") from None


def _rating(rating: int | str | None) -> int:
    """Whole stars from 1 to 5, as a number or its digits ("4"); nothing else."""
    value: int | None = None
    if isinstance(rating, int) and not isinstance(rating, bool):
        value = rating
    elif isinstance(rating, str) and rating.strip().isdigit():
        value = int(rating.strip())
    if value is None or not 1 <= value <= 5:
        raise DomainError("Give a rating from 1 to 5 stars.", code="bad_rating")
    return value


def _text(value: str | None, limit: int, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"Write a {what} for your review.", code=f"no_{what}")
    if len(value) > limit:
        raise DomainError(
            f"Keep the {what} to {limit} characters (it has {len(value)}).", code="too_long"
        )
    return value


def _purchase(*, author: User, product: ProductModel, purchase: PurchaseRef) -> Purchase | None:
    """The author's own purchase of `product`: the one named, or their best one, or None."""
    if purchase is None or purchase == "":
        return (
            Purchase.objects.filter(buyer=author, product_model=product)
            .order_by("-verified", "-purchased_on", "-pk")
            .first()
        )
    purchase_id = purchase.pk if isinstance(purchase, Purchase) else purchase
    try:
        found = Purchase.objects.get(pk=int(purchase_id), buyer=author)
    except (Purchase.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such purchase of yours.", code="no_purchase") from None
    if found.product_model_id != product.pk:
        raise DomainError(
            "That purchase is of another product; choose a purchase of this one.",
            code="purchase_of_other_product",
        )
    return found


@transaction.atomic
def review_write(
    *,
    author: User,
    product_model: ProductRef,
    rating: int | str | None,
    title: str,
    text: str,
    would_recommend: bool = True,
    audience: str | None = None,
    circle_ids: Iterable[int] = (),
    purchase: PurchaseRef = None,
) -> Review:
    """Review `product_model` (a ProductModel or its id) for `audience` (friends by default;
    "circles" only with the author's own circles). Raises Conflict for a second review of the
    same product, DomainError for a missing product or a rating outside 1–5, NotFound for a
    purchase that is not the author's."""
    product = _product(product_model)
    stars = _rating(rating)
    title = _text(title, TITLE_MAX_LENGTH, "title")
    text = _text(text, Review.TEXT_MAX_LENGTH, "text")
    audience, circles = audience_checked(owner=author, audience=audience, circle_ids=circle_ids)
    tied = _purchase(author=author, product=product, purchase=purchase)
    if Review.objects.filter(author=author, product_model=product).exists():
        raise Conflict(ALREADY_REVIEWED, code="already_reviewed")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                author=author,
                product_model=product,
                purchase=tied,
                rating=stars,
                title=title,
                text=text,
                would_recommend=bool(would_recommend),
                audience=audience,
            )
    except IntegrityError:  # two requests at once: the constraint keeps one
        raise Conflict(ALREADY_REVIEWED, code="already_reviewed") from None
    review.circles.set(circles)
    return review


def own_review(*, author: User, review_id: int | str) -> Review:
    """The author's review `review_id` (hidden or not); NotFound for anyone else's."""
    try:
        return Review.objects.select_related("product_model").get(pk=int(review_id), author=author)
    except (Review.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such review of yours.", code="no_review") from None


@transaction.atomic
def review_update(
    *,
    author: User,
    review_id: int | str,
    rating: int | str | None = None,
    title: str | None = None,
    text: str | None = None,
    would_recommend: bool | None = None,
    audience: str | None = None,
    circle_ids: Iterable[int] | None = None,
    purchase: PurchaseRef = None,
) -> Review:
    """Edit your review; fields left None stay as they are. Only the author may edit it."""
    review = own_review(author=author, review_id=review_id)
    if rating is not None:
        review.rating = _rating(rating)
    if title is not None:
        review.title = _text(title, TITLE_MAX_LENGTH, "title")
    if text is not None:
        review.text = _text(text, Review.TEXT_MAX_LENGTH, "text")
    if would_recommend is not None:
        review.would_recommend = bool(would_recommend)
    if purchase is not None:
        review.purchase = _purchase(author=author, product=review.product_model, purchase=purchase)
    if audience is not None or circle_ids is not None:
        review.audience, circles = audience_checked(
            owner=author,
            audience=audience or review.audience,
            circle_ids=circle_ids
            if circle_ids is not None
            else review.circles.values_list("pk", flat=True),
        )
        review.circles.set(circles)
    review.save()
    return review


@transaction.atomic
def review_delete(*, author: User, review_id: int | str) -> None:
    """Delete your review (its helpful votes go with it)."""
    own_review(author=author, review_id=review_id).delete()


@transaction.atomic
def helpful_vote_toggle(*, voter: User, review_id: int | str) -> bool:
    """Mark a review you may see as helpful, or take the mark back. Returns whether it is now
    marked. NotFound for a review the voter may not see; DomainError for their own."""
    try:
        review = Review.objects.visible_to(voter).filter(hidden=False).get(pk=int(review_id))
    except (Review.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            "This review does not exist or you can't see it.", code="no_review"
        ) from None
    if review.author_id == voter.pk:
        raise NotAllowed("You can't mark your own review as helpful.", code="own_review")
    deleted, _ = HelpfulVote.objects.filter(review=review, voter=voter).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(review=review, voter=voter)
    except IntegrityError:  # a double click raced us; the vote is there
        pass
    return True
