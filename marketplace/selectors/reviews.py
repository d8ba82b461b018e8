"""Reading reviews: what a viewer may see of a product's reviews, and a person's own reviews.

Every list goes through `Review.objects.visible_to(viewer)` (audience, blocks either way,
deactivated authors and moderation), and runs a fixed number of queries whatever the rows: the
helpful count and the viewer's own vote are subqueries, the verified flag a join and the consent
gate's `EXISTS`.

A review is content with its own audience; the purchase behind it is not. Whether its author
bought the thing here (the "verified purchase" badge) is shown only where the author's
`social_proof` consent reaches the viewer (`verified_purchase_for`), as its notice says.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from marketplace.models import HelpfulVote, ProductModel, Review
from privacy.consent import allowing
from privacy.purposes import Purpose


def _helpful_count() -> Coalesce:
    votes = (
        HelpfulVote.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(votes, output_field=IntegerField()), 0)


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def verified_purchase_for(viewer) -> ExpressionWrapper:
    """An annotation for review rows: the "verified purchase" badge as `viewer` may see it.

    True where the review is tied to a purchase made here and either `viewer` wrote it or the
    author's `social_proof` consent reaches `viewer` (its scope, blocks, deactivation: the
    consent gate, as one `EXISTS`). The review's own audience decides whether it is shown; this
    decides only whether the purchase behind it is. Never true for an anonymous visitor."""
    if not _signed_in(viewer):
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    purchase_shared = Q(author_id=viewer.pk) | Q(
        allowing(Purpose.SOCIAL_PROOF, viewer, owner="author")
    )
    return ExpressionWrapper(
        Q(purchase__verified=True) & purchase_shared, output_field=BooleanField()
    )


def _with_details(reviews: QuerySet, viewer) -> QuerySet:
    """Author and product on the row, `helpful_count`, `voted_helpful` (by the viewer) and
    `verified_purchase` (tied to a purchase made here, shown by `verified_purchase_for`)."""
    if _signed_in(viewer):
        voted = Exists(HelpfulVote.objects.filter(review=OuterRef("pk"), voter_id=viewer.pk))
    else:
        voted = Value(False)
    return reviews.select_related("author__profile", "product_model__brand").annotate(
        helpful_count=_helpful_count(),
        voted_helpful=ExpressionWrapper(voted, output_field=BooleanField()),
        verified_purchase=verified_purchase_for(viewer),
    )


def product_for(slug: str) -> ProductModel | None:
    """A product of the catalog by its slug (the catalog is public), or None."""
    return ProductModel.objects.select_related("brand", "category").filter(slug=slug).first()


def access_product(slug: str) -> ProductModel:
    """The product of the catalog with this slug; Http404 when there is none."""
    product = product_for(slug)
    if product is None:
        raise Http404("No such product.")
    return product


def reviews_for_product(viewer, product: ProductModel) -> QuerySet:
    """The reviews of `product` the viewer may see, not hidden by a moderator, the most helpful
    first, then the newest."""
    reviews = Review.objects.filter(product_model=product).visible_to(viewer).filter(hidden=False)
    return _with_details(reviews, viewer).order_by("-helpful_count", "-created_at", "-pk")


@dataclass(frozen=True)
class ReviewSummary:
    count: int
    average: float | None
    recommend: int  # how many would recommend it


def review_summary(viewer, product: ProductModel) -> ReviewSummary:
    """Count, average stars and recommendations over the reviews the viewer may see."""
    reviews = Review.objects.filter(product_model=product).visible_to(viewer).filter(hidden=False)
    row = reviews.aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        recommend=Count("pk", filter=Q(would_recommend=True)),
    )
    average = round(float(row["average"]), 1) if row["average"] is not None else None
    return ReviewSummary(count=row["count"], average=average, recommend=row["recommend"])


def my_review_of(author, product: ProductModel) -> Review | None:
    """The author's own review of `product`, hidden or not, or None."""
    if author is None or not author.is_authenticated:
        return None
    return (
        Review.objects.filter(author=author, product_model=product)
        .prefetch_related("circles")
        .first()
    )


def reviews_by(author) -> QuerySet:
    """The author's own reviews, newest first, including those a moderator hid."""
    reviews = Review.objects.filter(author=author)
    return _with_details(reviews, author).order_by("-created_at", "-pk")


def review_for(viewer, review_id) -> Review | None:
    """One review the viewer may see (not hidden, unless it is theirs), with its details."""
    try:
        review_id = int(review_id)
    except (TypeError, ValueError):
        return None
    reviews = Review.objects.filter(pk=review_id).visible_to(viewer)
    return _with_details(reviews, viewer).first()
