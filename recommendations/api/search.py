"""Social search API: GET /api/discover/search/?q=bike — the same funnel, trusted reviews and
nearby listings as the page (`recommendations.social_search`), as JSON.

Friends who consented are named and counted exactly; friends of friends are never named, and
their counts come with noise, in words ("about 10", "fewer than 5"; null when nothing is said of
them). Each call records one usage-log entry per person counted or shown."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.search import ListingCardSerializer
from recommendations.social_search import clean_query, record_usage, social_search
from social.api.serializers import PersonSerializer


class StepSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["talked", "bought", "kind", "brand"])
    # A declared field (DRF takes it off the class); the stubs read it as `Field.label`.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='"talked about bikes", "bought mountain bikes"...'
    )
    friends = serializers.IntegerField(help_text="Friends counted (each one consented).")
    friends_of_friends = serializers.SerializerMethodField(
        help_text="Friends of friends counted, with noise, in words (“about 10”, “fewer than "
        "5”); null when nothing is said of them (none could be counted, or your privacy budget "
        "for the day is spent)."
    )
    who = PersonSerializer(many=True, help_text="The friends counted, closest first.")

    def get_friends_of_friends(self, step) -> str | None:
        return step.fof_words or None


class FunnelSerializer(serializers.Serializer):
    # A declared field (DRF takes it off the class); the stubs read it as `Field.label`.
    label = serializers.CharField()  # type: ignore[assignment]
    sentence = serializers.CharField()
    beyond_note = serializers.CharField(
        help_text="Why nothing is said of friends of friends today, when it is the privacy "
        "budget; empty otherwise."
    )
    steps = StepSerializer(many=True)


class RankedReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="review.pk")
    author = PersonSerializer(source="review.author")
    relation = serializers.ChoiceField(choices=["friend", "fof"])
    product = serializers.CharField(source="review.product_model")
    product_slug = serializers.CharField(source="review.product_model.slug")
    rating = serializers.IntegerField(source="review.rating")
    title = serializers.CharField(source="review.title")
    text = serializers.CharField(source="review.text")
    verified_purchase = serializers.BooleanField(source="review.verified")
    helpful_count = serializers.IntegerField(source="review.helpful_count")
    created_at = serializers.DateTimeField(source="review.created_at")
    score = serializers.FloatField(help_text="Tie strength × (1 + expertise) × recency.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why it ranks here.")
    fan_of = serializers.CharField(
        help_text="The product's brand, when its author lets you see they are a fan of it; else "
        "empty."
    )


class DiscoverListingSerializer(ListingCardSerializer):
    friends_reviewed = serializers.IntegerField(
        help_text="How many of your friends reviewed this listing's model (each consented)."
    )


class SocialSearchSerializer(serializers.Serializer):
    q = serializers.CharField()
    unknown = serializers.BooleanField(
        source="match.unknown", help_text="The query names nothing the catalog knows."
    )
    suggestions = serializers.ListField(
        child=serializers.CharField(),
        source="match.suggestions",
        help_text="For an unknown query: a few known topics to try instead.",
    )
    funnel = FunnelSerializer(allow_null=True)
    reviews = RankedReviewSerializer(many=True)
    listings = serializers.SerializerMethodField()

    @extend_schema_field(DiscoverListingSerializer(many=True))
    def get_listings(self, result) -> list[dict]:
        rows = result.listings.results if result.listings else []
        # `many=True` makes a ListSerializer, whose data is a list; the stubs do not follow `many`.
        listings = DiscoverListingSerializer(rows, many=True, context=self.context)
        return listings.data  # type: ignore[return-value]


class SocialSearchView(APIView):
    @extend_schema(
        operation_id="discover_search",
        summary="Your network's funnel, trusted reviews and nearby listings for a query",
        parameters=[OpenApiParameter("q", str, description="What you are looking for: “bike”.")],
        responses=SocialSearchSerializer,
        tags=["discover"],
    )
    def get(self, request):
        q = clean_query(request.query_params.get("q", ""))
        result = social_search(request.user, q)
        record_usage(result.usage)
        return Response(SocialSearchSerializer(result, context={"request": request}).data)


urlpatterns = [path("search/", SocialSearchView.as_view(), name="api-discover-search")]
