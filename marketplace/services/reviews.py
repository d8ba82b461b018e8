"""Reviews: what people think of something they bought, for the audience they choose.

A review rests on a purchase of its author's: bought here ("verified purchase") or declared
("declared purchase", `purchase_declare`); without one, a review is refused with a pointer to
declaring it (the product page's form can declare it in the same step). A purchase has one
review, and a person one review per catalog product (database constraints too): a second one is
refused with a pointer to editing the first. Without a purchase named, the author's best
purchase of the product (verified first, then the latest) is tied.

A review is about a catalog product, or, when what was bought has no catalog model, about its
category and brand and the model name its seller typed (`review_write(purchase=...)`).

Helpful votes: anyone who may see a review, except its author, may mark it helpful once; voting
again takes the vote back.

Every refusal raises a `config.errors` error with a message a person can act on and changes
nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction

from accounts.models import User
from config.bulk import backdate, numbered_rows, refuse_row
from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import HelpfulVote, ProductModel, Purchase, Review
from marketplace.services.purchases import purchase_declare
from social.services.circles import owned_circles, with_circles_create
from social.services.posts import audience_checked, audience_chosen, circles_owned_in_bulk

TITLE_MAX_LENGTH = Review.TITLE_MAX_LENGTH
ALREADY_REVIEWED = "You already reviewed this; edit your review instead."
PURCHASE_REVIEWED = "You already reviewed this purchase; edit your review instead."
NO_PURCHASE = (
    "Reviews are from people who have it: add it to your purchases first (where and when you "
    "got it), then review it."
)
MODEL_NAME_MAX_LENGTH = Review._meta.get_field("model_name").max_length or 120
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
    _check_purchase_of(found, product)
    return found


def _own_purchase(author_id: int, purchase: PurchaseRef) -> Purchase:
    """The author's purchase named by `purchase` (a row or its id); NotFound otherwise."""
    purchase_id = purchase.pk if isinstance(purchase, Purchase) else purchase
    try:
        return Purchase.objects.select_related("product_model", "listing").get(
            pk=int(purchase_id or ""), buyer_id=author_id
        )
    except (Purchase.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such purchase of yours.", code="no_purchase") from None


def _about_purchase(review: Review, purchase: Purchase) -> None:
    """Make `review` about what `purchase` was of: its catalog model, or else its category and
    brand and the model name its listing's seller typed (a brand they typed leads it)."""
    review.purchase = purchase
    if purchase.product_model is not None:
        review.product_model = purchase.product_model
        return
    review.category_id = purchase.category_id
    review.brand_id = purchase.brand_id
    listing = purchase.listing
    typed = (
        [listing.brand_name if purchase.brand_id is None else "", listing.model_name]
        if listing is not None
        else []
    )
    review.model_name = " ".join(part.strip() for part in typed if part.strip())[
        :MODEL_NAME_MAX_LENGTH
    ]


def _check_purchase_of(purchase: Purchase, product: ProductModel) -> None:
    if purchase.product_model_id != product.pk:
        raise DomainError(
            "That purchase is of another product; choose a purchase of this one.",
            code="purchase_of_other_product",
        )


@transaction.atomic
def review_write(
    *,
    author: User,
    rating: int | str | None,
    title: str,
    text: str,
    product_model: ProductRef = None,
    would_recommend: bool = True,
    audience: str | None = None,
    circle_ids: Iterable[int] = (),
    purchase: PurchaseRef = None,
    declare_bought_on: date | None = None,
) -> Review:
    """Review something the author bought, for `audience` (friends by default; "circles" only
    with the author's own circles): `product_model` (a ProductModel or its id) through their
    purchase of it (the one named, else their best), or, without a product, what `purchase`
    was of. `declare_bought_on`: without a purchase of the product, declare one (bought
    elsewhere on that day) first, in the same transaction.

    Raises DomainError (no product or purchase named, no purchase of the product, a rating
    outside 1–5, a purchase of another product), NotFound (a product that does not exist, a
    purchase that is not the author's), Conflict (a second review of the product or of the
    purchase)."""
    review, circle_ids = _review_checked(
        author.pk, rating, title, text, would_recommend, audience, circle_ids
    )
    circles = owned_circles(owner=author, circle_ids=circle_ids) if circle_ids else []
    if product_model not in (None, ""):
        product = _product(product_model)
        found = _purchase(author=author, product=product, purchase=purchase)
        if found is None and declare_bought_on is not None:
            found = purchase_declare(
                buyer=author,
                category=product.category,
                product_model=product,
                description=str(product),
                purchased_on=declare_bought_on,
            )
        if found is None:
            raise DomainError(NO_PURCHASE, code="no_purchase", field="bought_on")
        _about_purchase(review, found)
    elif purchase not in (None, ""):
        _about_purchase(review, _own_purchase(author.pk, purchase))
    else:
        raise DomainError("Choose the product you are reviewing.", code="no_product")
    _check_not_reviewed(author.pk, review)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:  # two requests at once: the constraints keep one
        raise Conflict(ALREADY_REVIEWED, code="already_reviewed") from None
    review.circles.set(circles)
    return review


def _check_not_reviewed(author_id: int, review: Review) -> None:
    """Conflict when the author reviewed this catalog product, or this purchase, already."""
    if (
        review.product_model_id is not None
        and Review.objects.filter(
            author_id=author_id, product_model=review.product_model_id
        ).exists()
    ):
        raise Conflict(ALREADY_REVIEWED, code="already_reviewed")
    if (
        review.purchase_id is not None
        and Review.objects.filter(purchase_id=review.purchase_id).exists()
    ):
        raise Conflict(PURCHASE_REVIEWED, code="already_reviewed")


def review_of_purchase(*, author: User, purchase: Purchase) -> Review | None:
    """The author's review resting on `purchase`, or of its catalog product, or None."""
    reviews = Review.objects.filter(author=author)
    if purchase.product_model_id is not None:
        return reviews.filter(product_model_id=purchase.product_model_id).first()
    return reviews.filter(purchase=purchase).first()


def _review_checked(
    author_id: int,
    rating: int | str | None,
    title: str,
    text: str,
    would_recommend: bool,
    audience: str | None,
    circle_ids: Iterable[int],
) -> tuple[Review, list[int]]:
    """The rules on a review that need no query: the unsaved row, still without what it is
    about, and its chosen circles, still to be checked as the author's."""
    audience, chosen = audience_chosen(audience, circle_ids)
    review = Review(
        author_id=author_id,
        rating=_rating(rating),
        title=_text(title, TITLE_MAX_LENGTH, "title"),
        text=_text(text, Review.TEXT_MAX_LENGTH, "text"),
        would_recommend=bool(would_recommend),
        audience=audience,
    )
    return review, chosen


def own_review(*, author: User, review_id: int | str) -> Review:
    """The author's review `review_id` (hidden or not); NotFound for anyone else's."""
    try:
        return Review.objects.select_related("product_model", "category", "brand").get(
            pk=int(review_id), author=author
        )
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
    if purchase not in (None, "") and review.product_model is not None:
        chosen = _purchase(author=author, product=review.product_model, purchase=purchase)
        if chosen is not None and chosen.pk != review.purchase_id:
            if Review.objects.filter(purchase=chosen).exists():
                raise Conflict(PURCHASE_REVIEWED, code="already_reviewed")
            review.purchase = chosen
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
        review = None
    _check_votable(voter.pk, review)
    assert review is not None
    deleted, _ = HelpfulVote.objects.filter(review=review, voter=voter).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(review=review, voter=voter)
    except IntegrityError:  # a double click raced us; the vote is there
        pass
    return True


def _check_votable(voter_id: int, review: Review | None) -> None:
    """`review` is what the voter may see of the one they asked for (None: nothing)."""
    if review is None:
        raise NotFound("This review does not exist or you can't see it.", code="no_review")
    if review.author_id == voter_id:
        raise NotAllowed("You can't mark your own review as helpful.", code="own_review")


# --- Many at once (the demo, imports) --------------------------------------------------------


@dataclass(frozen=True)
class NewReview:
    """A review to write in bulk (`review_write`'s arguments, the author by id), and when it was
    written (None: now). Without a purchase named, the author's best purchase of the product is
    tied, as one; without a product, the review is about what `purchase` was of."""

    author_id: int
    product_model: ProductModel | int | None
    rating: int
    title: str
    text: str
    would_recommend: bool = True
    audience: str | None = None
    circle_ids: tuple[int, ...] = ()
    purchase: Purchase | None = None
    at: datetime | None = None


@transaction.atomic
def reviews_create(*, reviews: Sequence[NewReview]) -> list[Review]:
    """`review_write` for many reviews at once, under its rules (one query each for products,
    circles, purchases and reviews already written). Declare the purchases first
    (`purchases_declare`): a review without one is refused. Raises DomainError naming the first
    row refused; then nothing is written. Returns the reviews, in order."""
    products = ProductModel.objects.in_bulk(
        {row.product_model for row in reviews if isinstance(row.product_model, int)}
    )
    checked = []
    for index, row in enumerate(reviews):
        with numbered_rows(index):
            review, circle_ids = _review_checked(
                row.author_id,
                row.rating,
                row.title,
                row.text,
                row.would_recommend,
                row.audience,
                row.circle_ids,
            )
            product = (
                products.get(row.product_model)
                if isinstance(row.product_model, int)
                else row.product_model
            )
            if isinstance(row.product_model, int) and product is None:
                raise NotFound("No such product.", code="no_product")
            if row.purchase is not None:
                if row.purchase.buyer_id != row.author_id:
                    raise NotFound("No such purchase of yours.", code="no_purchase")
                if product is not None:
                    _check_purchase_of(row.purchase, product)
                _about_purchase(review, row.purchase)
            elif product is not None:
                review.product_model = product
            else:
                raise DomainError("Choose the product you are reviewing.", code="no_product")
        checked.append((review, circle_ids))
    circles_owned_in_bulk(
        [(row.author_id, ids) for row, (_, ids) in zip(reviews, checked, strict=True)]
    )
    keys = [
        (row.author_id, review.product_model_id)
        for row, (review, _) in zip(reviews, checked, strict=True)
    ]
    authors = {author for author, _ in keys}
    wanted = {product for _, product in keys if product is not None}
    best: dict[tuple[int, int], Purchase] = {}
    for purchase in Purchase.objects.filter(
        buyer_id__in=authors, product_model_id__in=wanted
    ).order_by("-verified", "-purchased_on", "-pk"):
        if purchase.buyer_id is not None and purchase.product_model_id is not None:
            best.setdefault((purchase.buyer_id, purchase.product_model_id), purchase)
    taken = set(
        Review.objects.filter(author_id__in=authors, product_model_id__in=wanted).values_list(
            "author_id", "product_model_id"
        )
    )
    for index, ((review, _), key) in enumerate(zip(checked, keys, strict=True)):
        if key[1] is not None:
            if key in taken:
                raise refuse_row(index, Conflict(ALREADY_REVIEWED, code="already_reviewed"))
            taken.add((key[0], key[1]))
        if review.purchase is None:
            found = best.get((key[0], key[1])) if key[1] is not None else None
            if found is None:
                raise refuse_row(index, DomainError(NO_PURCHASE, code="no_purchase"))
            review.purchase = found
    purchases = [review.purchase_id or 0 for review, _ in checked]  # each has one by now
    reviewed = set(
        Review.objects.filter(purchase_id__in=purchases).values_list("purchase_id", flat=True)
    )
    for index, purchase_id in enumerate(purchases):
        if purchase_id in reviewed:
            raise refuse_row(index, Conflict(PURCHASE_REVIEWED, code="already_reviewed"))
        reviewed.add(purchase_id)
    written = with_circles_create(Review, checked)
    dates = [row.at for row in reviews]
    backdate(written, {"created_at": dates, "updated_at": dates})
    return written


@dataclass(frozen=True)
class NewHelpfulVote:
    """A review marked helpful in bulk, and when (None: now)."""

    voter_id: int
    review_id: int
    at: datetime | None = None


@transaction.atomic
def helpful_votes_create(*, votes: Sequence[NewHelpfulVote]) -> list[HelpfulVote]:
    """Mark many reviews helpful at once, under `helpful_vote_toggle`'s rules (a review the voter
    may see, not their own: one query per voter). A vote already there stays one. Raises
    DomainError naming the first row refused; then nothing is written."""
    voters = User.objects.in_bulk({vote.voter_id for vote in votes})
    wanted: dict[int, set[int]] = defaultdict(set)
    for vote in votes:
        wanted[vote.voter_id].add(vote.review_id)
    seen: dict[tuple[int, int], Review] = {}
    for voter_id, review_ids in wanted.items():
        if voter_id in voters:
            visible = Review.objects.visible_to(voters[voter_id]).filter(hidden=False)
            for review in visible.filter(pk__in=review_ids):
                seen[voter_id, review.pk] = review
    for index, vote in enumerate(votes):
        with numbered_rows(index):
            _check_votable(vote.voter_id, seen.get((vote.voter_id, vote.review_id)))
    already = set(
        HelpfulVote.objects.filter(voter_id__in=wanted).values_list("voter_id", "review_id")
    )
    fresh = [vote for vote in votes if (vote.voter_id, vote.review_id) not in already]
    written = HelpfulVote.objects.bulk_create(
        [HelpfulVote(voter_id=vote.voter_id, review_id=vote.review_id) for vote in fresh],
        batch_size=500,
    )
    backdate(written, {"created_at": [vote.at for vote in fresh]})
    return written
