"""Reviews API: a product's reviews as the viewer may see them, your own reviews, writing,
editing and deleting them, and helpful votes. The same selectors and services as the pages;
refusals come back in the one error body (`config.api`)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotFound
from config.ids import IdField
from marketplace.models import Review
from marketplace.selectors import reviews as selectors
from marketplace.services import reviews as services
from social.api.serializers import AudienceFields, PersonSerializer

REVIEWS_LIMIT = 100


class ProductSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(source="__str__")


class ReviewSerializer(serializers.ModelSerializer):
    author = PersonSerializer(allow_null=True, help_text="Empty once the author's account is gone.")
    product = ProductSerializer(
        source="product_model",
        allow_null=True,
        help_text="The catalog product; empty for a thing without one (see `about`).",
    )
    about = serializers.CharField(
        source="subject",
        read_only=True,
        help_text="What it is about, in words: the product, or the brand and model name its "
        "seller gave, or its category.",
    )
    verified_purchase = serializers.BooleanField(
        read_only=True,
        default=False,
        help_text="Bought here, shown only where the author's `social_proof` consent reaches you "
        "(always on your own reviews).",
    )
    declared_purchase = serializers.BooleanField(
        read_only=True,
        default=False,
        help_text="Bought elsewhere, as its author declared; shown as `verified_purchase` is.",
    )
    helpful_count = serializers.IntegerField(read_only=True, default=0)
    voted_helpful = serializers.BooleanField(read_only=True, default=False)
    audience = serializers.SerializerMethodField()
    hidden = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "product",
            "about",
            "author",
            "rating",
            "title",
            "text",
            "would_recommend",
            "verified_purchase",
            "declared_purchase",
            "helpful_count",
            "voted_helpful",
            "audience",
            "hidden",
            "created_at",
            "updated_at",
        ]

    def _is_author(self, review) -> bool:
        request = self.context.get("request")
        return request is not None and request.user.pk == review.author_id

    def get_audience(self, review) -> str | None:
        """Who may see it: shown to its author only."""
        return review.audience if self._is_author(review) else None

    def get_hidden(self, review) -> bool:
        """Hidden by a moderator (then only its author sees it)."""
        return review.hidden if self._is_author(review) else False


class ReviewWriteSerializer(AudienceFields):
    product = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The product's slug; leave it out to review what `purchase` was of.",
    )
    rating = serializers.IntegerField(help_text="1 to 5 stars.")
    title = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    would_recommend = serializers.BooleanField(default=True)
    purchase = IdField(
        required=False,
        allow_null=True,
        help_text="Your purchase of it (your best one if left out).",
    )
    bought_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Without a purchase of the product: declare one, bought elsewhere that day.",
    )


class ReviewUpdateSerializer(AudienceFields):
    rating = serializers.IntegerField(required=False)
    title = serializers.CharField(required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True)
    would_recommend = serializers.BooleanField(required=False)
    purchase = IdField(required=False)


class HelpfulSerializer(serializers.Serializer):
    helpful = serializers.BooleanField(help_text="Whether you now mark it helpful.")
    helpful_count = serializers.IntegerField()


def _detailed(request, review_id) -> selectors.DetailedReview:
    review = selectors.review_for(request.user, review_id)
    if review is None:
        raise NotFound("This review does not exist or you can't see it.", code="no_review")
    return review


class ProductReviewsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ReviewSerializer(many=True), operation_id="market_product_reviews")
    def get(self, request, slug: str):
        """The reviews of a product you may see, the most helpful first (at most 100)."""
        product = selectors.product_for(slug)
        if product is None:
            raise NotFound("No such product.", code="no_product")
        rows = selectors.reviews_for_product(request.user, product)[:REVIEWS_LIMIT]
        return Response(ReviewSerializer(rows, many=True, context={"request": request}).data)


class ReviewsView(APIView):
    @extend_schema(responses=ReviewSerializer(many=True), operation_id="market_my_reviews")
    def get(self, request):
        """Your own reviews, newest first, including any a moderator hid."""
        rows = selectors.reviews_by(request.user)
        return Response(ReviewSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        request=ReviewWriteSerializer,
        responses={201: ReviewSerializer},
        operation_id="market_review_write",
    )
    def post(self, request):
        """Review something you bought: a product (one review per person per product, 409 for
        a second one) through your purchase of it, or, without a product, what `purchase` was
        of (one review per purchase). Without a purchase: 400, unless `bought_on` declares one."""
        body = ReviewWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        product = None
        if data.get("product"):
            product = selectors.product_for(data["product"])
            if product is None:
                raise NotFound("No such product.", code="no_product")
        review = services.review_write(
            author=request.user,
            product_model=product,
            rating=data["rating"],
            title=data["title"],
            text=data["text"],
            would_recommend=data["would_recommend"],
            audience=data.get("audience"),
            circle_ids=data.get("circles", []),
            purchase=data.get("purchase"),
            declare_bought_on=data.get("bought_on"),
        )
        return Response(
            ReviewSerializer(_detailed(request, review.pk), context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ReviewView(APIView):
    @extend_schema(
        request=ReviewUpdateSerializer,
        responses=ReviewSerializer,
        operation_id="market_review_update",
    )
    def patch(self, request, review_id: int):
        """Edit your review; fields left out stay as they are."""
        body = ReviewUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        review = services.review_update(
            author=request.user,
            review_id=review_id,
            rating=data.get("rating"),
            title=data.get("title"),
            text=data.get("text"),
            would_recommend=data.get("would_recommend"),
            audience=data.get("audience"),
            circle_ids=data.get("circles"),
            purchase=data.get("purchase"),
        )
        return Response(
            ReviewSerializer(_detailed(request, review.pk), context={"request": request}).data
        )

    @extend_schema(request=None, responses={204: None}, operation_id="market_review_delete")
    def delete(self, request, review_id: int):
        """Delete your review."""
        services.review_delete(author=request.user, review_id=review_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HelpfulView(APIView):
    @extend_schema(request=None, responses=HelpfulSerializer, operation_id="market_review_helpful")
    def post(self, request, review_id: int):
        """Mark a review you may see as helpful, or take the mark back (not your own)."""
        helpful = services.helpful_vote_toggle(voter=request.user, review_id=review_id)
        review = _detailed(request, review_id)
        return Response(
            HelpfulSerializer({"helpful": helpful, "helpful_count": review.helpful_count}).data
        )


urlpatterns = [
    path(
        "products/<slug:slug>/reviews/",
        ProductReviewsView.as_view(),
        name="api-market-product-reviews",
    ),
    path("reviews/", ReviewsView.as_view(), name="api-market-reviews"),
    path("reviews/<int:review_id>/", ReviewView.as_view(), name="api-market-review"),
    path(
        "reviews/<int:review_id>/helpful/", HelpfulView.as_view(), name="api-market-review-helpful"
    ),
]
