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
from typing import TYPE_CHECKING, TypedDict

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

from accounts.models import User, Viewer
from config.errors import found
from marketplace.models import HelpfulVote, ProductModel, Review
from marketplace.selectors.listings import IdInput, as_member
from privacy.consent import allowing
from privacy.purposes import Purpose
from querycache.lookups import IdArray
from social.selectors import friend_ids

if TYPE_CHECKING:  # django-stubs-ext is a development dependency
    from django_stubs_ext import WithAnnotations


def _helpful_count() -> Coalesce:
    """How many people found the review helpful (0 without votes), as one subquery."""
    votes = (
        HelpfulVote.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(votes, output_field=IntegerField()), 0)


def verified_purchase_for(
    viewer: Viewer, *, verified: bool = True
) -> ExpressionWrapper[Value] | ExpressionWrapper[Q]:
    """An annotation for review rows: the "verified purchase" badge as `viewer` may see it
    (`verified=False`: the "declared purchase" one, bought elsewhere as the author says).

    True where the review is tied to a purchase made here (declared) and either `viewer` wrote
    it or the author's `social_proof` consent reaches `viewer` (its scope, blocks, deactivation:
    the consent gate, as one `EXISTS`). The review's own audience decides whether it is shown;
    this decides only whether the purchase behind it is. Never true for an anonymous visitor."""
    member = as_member(viewer)
    if member is None:
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    purchase_shared = Q(author_id=member.pk) | Q(
        allowing(Purpose.SOCIAL_PROOF, member, owner="author")
    )
    return ExpressionWrapper(
        Q(purchase__isnull=False, purchase__verified=verified) & purchase_shared,
        output_field=BooleanField(),
    )


class ReviewDetails(TypedDict):
    """What `_with_details` adds to each review row."""

    helpful_count: int
    voted_helpful: bool
    verified_purchase: bool
    declared_purchase: bool


# A review row with its details, as review lists and pages get it.
type DetailedReview = WithAnnotations[Review, ReviewDetails]


def _with_details(reviews: QuerySet[Review], viewer: Viewer) -> QuerySet[DetailedReview]:
    """Author and product on the row, `helpful_count`, `voted_helpful` (by the viewer) and
    `verified_purchase` / `declared_purchase` (tied to a purchase made here / declared, shown by
    `verified_purchase_for`)."""
    member = as_member(viewer)
    voted: Exists | Value = (
        Exists(HelpfulVote.objects.filter(review=OuterRef("pk"), voter_id=member.pk))
        if member is not None
        else Value(False)
    )
    return reviews.select_related(
        "author__profile", "product_model__brand", "category", "brand"
    ).annotate(
        helpful_count=_helpful_count(),
        voted_helpful=ExpressionWrapper(voted, output_field=BooleanField()),
        verified_purchase=verified_purchase_for(viewer),
        declared_purchase=verified_purchase_for(viewer, verified=False),
    )


def product_for(slug: str) -> ProductModel | None:
    """A product of the catalog by its slug (the catalog is public), or None."""
    return ProductModel.objects.select_related("brand", "category").filter(slug=slug).first()


def access_product(slug: str) -> ProductModel:
    """The product of the catalog with this slug; Http404 when there is none."""
    return found(product_for(slug), "No such product.")


def reviews_for_product(viewer: Viewer, product: ProductModel) -> QuerySet[DetailedReview]:
    """The reviews of `product` the viewer may see, not hidden by a moderator, the most helpful
    first, then the newest."""
    reviews = Review.objects.filter(product_model=product).visible_to(viewer).filter(hidden=False)
    return _with_details(reviews, viewer).order_by("-helpful_count", "-created_at", "-pk")


@dataclass(frozen=True)
class ReviewSummary:
    """What the reviews a viewer may see of a product add up to."""

    count: int
    average: float | None
    recommend: int  # how many would recommend it


def review_summary(viewer: Viewer, product: ProductModel) -> ReviewSummary:
    """Count, average stars and recommendations over the reviews the viewer may see."""
    reviews = Review.objects.filter(product_model=product).visible_to(viewer).filter(hidden=False)
    row = reviews.aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        recommend=Count("pk", filter=Q(would_recommend=True)),
    )
    average = round(float(row["average"]), 1) if row["average"] is not None else None
    return ReviewSummary(count=row["count"], average=average, recommend=row["recommend"])


def my_review_of(author: Viewer, product: ProductModel) -> Review | None:
    """The author's own review of `product`, hidden or not, or None."""
    if author is None or not author.is_authenticated:
        return None
    return (
        Review.objects.filter(author=author, product_model=product)
        .prefetch_related("circles")
        .first()
    )


def reviews_by(author: User) -> QuerySet[DetailedReview]:
    """The author's own reviews, newest first, including those a moderator hid."""
    reviews = Review.objects.filter(author=author)
    return _with_details(reviews, author).order_by("-created_at", "-pk")


def reviews_by_for(viewer: Viewer, author: User, *, limit: int = 5) -> list[DetailedReview]:
    """The latest reviews by `author` that `viewer` may see (not hidden), for their profile."""
    reviews = Review.objects.filter(author=author).visible_to(viewer).filter(hidden=False)
    return list(_with_details(reviews, viewer).order_by("-created_at", "-pk")[:limit])


def review_for(viewer: Viewer, review_id: IdInput) -> DetailedReview | None:
    """One review the viewer may see (not hidden, unless it is theirs), with its details."""
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        return None
    reviews = Review.objects.filter(pk=pk).visible_to(viewer)
    return _with_details(reviews, viewer).first()


def access_review(viewer: Viewer, review_id: IdInput) -> Review:
    """As `review_for`; Http404 for a review the viewer may not see."""
    return found(review_for(viewer, review_id), "This review does not exist or you can't see it.")


def friends_recent_reviews(viewer: User, limit: int = 4) -> list[DetailedReview]:
    """The newest reviews by the viewer's friends that the viewer may see (each review's own
    audience), not hidden by a moderator: the member home's "what friends thought".

    The friends are read first and given as one array: as a subquery, PostgreSQL misjudges how
    few reviews they wrote and walks every review (seconds on a large site). The newest few are
    chosen first and only they are detailed: detailed in the same query, every review of every
    friend was joined and annotated before the sort kept four."""
    friends = IdArray(friend_ids(viewer).values_list("friend_id", flat=True))
    if not friends:
        return []
    newest = (
        Review.objects.filter(author_id__any=friends)
        .visible_to(viewer)
        .filter(hidden=False)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    reviews = Review.objects.filter(pk__any=IdArray(newest))
    return list(_with_details(reviews, viewer).order_by("-created_at", "-pk"))
