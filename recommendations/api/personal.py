"""Your own recommendations API: what you may like and why, with what of yours is used for it;
and "people who bought this also bought" for a product. The same functions as the pages
(`recommendations.personal`)."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotFound
from marketplace.selectors.reviews import product_for
from recommendations import personal


class InterestSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    weight = serializers.FloatField()
    viewed = serializers.IntegerField()
    bought = serializers.IntegerField()
    reviewed = serializers.IntegerField()


class PreferencePriceBandSerializer(serializers.Serializer):
    currency = serializers.CharField()
    median = serializers.DecimalField(max_digits=12, decimal_places=2)
    low = serializers.DecimalField(max_digits=12, decimal_places=2)
    high = serializers.DecimalField(max_digits=12, decimal_places=2)


class PreferenceConditionSerializer(serializers.Serializer):
    condition = serializers.CharField()
    count = serializers.IntegerField()


class PreferenceProfileSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(
        help_text="Your `personalization` consent is on; when off everything here is empty."
    )
    views = serializers.IntegerField()
    purchases = serializers.IntegerField()
    reviews = serializers.IntegerField()
    categories = InterestSerializer(many=True)
    brands = InterestSerializer(many=True)
    price_band = PreferencePriceBandSerializer(allow_null=True)
    conditions = serializers.SerializerMethodField()

    def get_conditions(self, profile) -> list[dict]:
        return [{"condition": c, "count": n} for c, n in profile.conditions]


class RecommendedListingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    condition = serializers.CharField()
    category = serializers.CharField(source="category.name")
    brand = serializers.CharField(source="brand.name", allow_null=True, default=None)


class RecommendationSerializer(serializers.Serializer):
    listing = RecommendedListingSerializer()
    reason = serializers.CharField(help_text="Why you are seeing this, in plain words.")
    reasons = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)
    sponsored = serializers.BooleanField(help_text="Never true today; labelled if it ever is.")
    # A declared field (DRF takes it off the class); the stubs read it as `Field.label`.
    label = serializers.CharField()  # type: ignore[assignment]


class ForYouSerializer(serializers.Serializer):
    profile = PreferenceProfileSerializer()
    results = RecommendationSerializer(many=True)
    turn_off = serializers.CharField(help_text="Where to turn `personalization` off (or on).")


class AlsoBoughtProductSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(source="__str__")


class AlsoBoughtSerializer(serializers.Serializer):
    product = AlsoBoughtProductSerializer()
    people = serializers.CharField(
        source="people_words",
        help_text="How many, counted with noise and given in words (“about 15”); a product "
        "appears only when its noisy count passes a threshold no one person's purchase reaches.",
    )
    reason = serializers.CharField()


class ForYouView(APIView):
    @extend_schema(responses=ForYouSerializer, operation_id="discover_for_you")
    def get(self, request):
        """Listings you may like, each with why, and the profile they come from. Empty, with
        `profile.enabled` false, while your `personalization` consent is off."""
        profile = personal.preference_profile(request.user)
        body = {
            "profile": profile,
            "results": personal.you_may_like(request.user, profile=profile),
            "turn_off": reverse("privacy:dashboard"),
        }
        return Response(ForYouSerializer(body).data)


class AlsoBoughtView(APIView):
    @extend_schema(responses=AlsoBoughtSerializer(many=True), operation_id="discover_also_bought")
    def get(self, request, slug: str):
        """Products bought by at least k people who bought this one and let you count their
        purchases (`social_proof`); an empty list below k."""
        product = product_for(slug)
        if product is None:
            raise NotFound("No such product.", code="no_product")
        rows = personal.also_bought(request.user, product)
        return Response(AlsoBoughtSerializer(rows, many=True).data)


urlpatterns = [
    path("for-you/", ForYouView.as_view(), name="api-discover-for-you"),
    path(
        "products/<slug:slug>/also-bought/",
        AlsoBoughtView.as_view(),
        name="api-discover-also-bought",
    ),
]
