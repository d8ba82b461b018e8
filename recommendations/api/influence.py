"""Influence API: your own scores and what they are made of, the trusted voices of your network
in a topic (each with its path), the k-anonymous count of trusted voices recommending a brand,
and for a seller the banded total of trusted voices near their listing who recommend its brand.
The same selectors as the pages (`recommendations.trusted`); refusals in the one error body."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotFound
from marketplace.models import Brand, Listing
from marketplace.selectors.listings import access_own_listing
from privacy.consent import granted
from privacy.purposes import Purpose
from recommendations import trusted
from recommendations.influence import OwnTopic, own_topics
from social.api.serializers import PersonSerializer

# --- What the API answers with: records the serializers read, field by field ------------------


@dataclass(frozen=True)
class MyInfluence:
    enabled: bool
    own_experience: list[OwnTopic]

    @property
    def scores(self) -> list:
        return [topic.score for topic in self.own_experience if topic.score is not None]


@dataclass(frozen=True)
class BrandVoices:
    brand: Brand
    count: trusted.VoiceCount

    @property
    def trusted_voices(self) -> str | None:
        return self.count.words or None


@dataclass(frozen=True)
class ListingBrandVoices:
    listing: Listing
    near: trusted.BrandVoicesNear | None
    radius_km: int = trusted.NEAR_LISTING_KM

    @property
    def brand(self) -> str | None:
        return self.listing.brand.slug if self.listing.brand else None

    @property
    def voices(self) -> str | None:
        return self.near.count_words if self.near else None

    @property
    def text(self) -> str | None:
        return self.near.words if self.near else None


class ScoreSerializer(serializers.Serializer):
    topic = serializers.CharField(source="category.slug")
    topic_name = serializers.CharField(source="category.name")
    expertise = serializers.FloatField(
        help_text="Experience others see: your reviews, purchases and votes, counting only what "
        "you share with everyone your `influence` grant reaches."
    )
    one_hop = serializers.FloatField(help_text="Reach among friends, weighted by tie strength.")
    two_hop = serializers.FloatField(help_text="Reach among friends of friends.")
    score = serializers.FloatField()
    run = serializers.IntegerField(source="run_id", help_text="The run that computed it.")


class OwnExperienceSerializer(serializers.Serializer):
    topic = serializers.CharField(source="category.slug")
    topic_name = serializers.CharField(source="category.name")
    expertise = serializers.FloatField(
        source="everything",
        help_text="All of your experience in the topic, whatever you share: shown to you alone.",
    )


class MyInfluenceSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="Whether you granted `influence`.")
    scores = ScoreSerializer(many=True, help_text="What others may see, from the last run.")
    own_experience = OwnExperienceSerializer(
        many=True, help_text="Your whole experience per topic, for your eyes only (while enabled)."
    )


class VoiceSerializer(serializers.Serializer):
    person = PersonSerializer()
    via = PersonSerializer(allow_null=True, help_text="The friend linking you; empty for a friend.")
    path = serializers.CharField(help_text="How the voice is connected to you, in plain words.")
    fan_of = serializers.ListField(
        child=serializers.CharField(),
        help_text="Brands of the category the voice lets you see they are a fan of.",
    )
    expertise = serializers.FloatField(source="score.expertise")
    score = serializers.FloatField(source="score.score")


class BrandVoicesSerializer(serializers.Serializer):
    brand = serializers.CharField(source="brand.slug")
    trusted_voices = serializers.CharField(
        allow_null=True,
        help_text="How many trusted voices in your network recommend the brand, counted with "
        "noise and given in words (“about 10”, “fewer than 5”); empty when nobody in your "
        "network could be counted, or your privacy budget for the day is spent.",
    )


class ListingBrandVoicesSerializer(serializers.Serializer):
    listing = serializers.IntegerField(source="listing.pk")
    brand = serializers.CharField(allow_null=True, help_text="The listing's brand; empty if none.")
    radius_km = serializers.IntegerField(help_text="How near a voice's home is to the listing.")
    voices = serializers.CharField(
        allow_null=True,
        help_text="How many, counted with noise and given in words (“about 10”, “fewer than "
        "5”), never exactly; empty without a brand, when nobody near could be counted, or when "
        "your privacy budget for the day is spent.",
    )
    text = serializers.CharField(allow_null=True, help_text="The same, as a sentence.")


class MyInfluenceView(APIView):
    @extend_schema(responses=MyInfluenceSerializer, operation_id="discover_my_influence")
    def get(self, request):
        enabled = granted(request.user, Purpose.INFLUENCE)
        mine = MyInfluence(enabled, own_topics(request.user) if enabled else [])
        return Response(MyInfluenceSerializer(mine).data)


class VoicesView(APIView):
    @extend_schema(responses=VoiceSerializer(many=True), operation_id="discover_trusted_voices")
    def get(self, request, slug: str):
        category = trusted.top_level_categories().filter(slug=slug).first()
        if category is None:
            raise NotFound("No such topic.", code="no_topic")
        voices = trusted.trusted_voices(request.user, category)
        return Response(VoiceSerializer(voices, many=True, context={"request": request}).data)


class BrandVoicesView(APIView):
    @extend_schema(responses=BrandVoicesSerializer, operation_id="discover_brand_voices")
    def get(self, request, slug: str):
        brand = Brand.objects.filter(slug=slug).first()
        if brand is None:
            raise NotFound("No such brand.", code="no_brand")
        count = trusted.brand_voice_count(request.user, brand)
        return Response(BrandVoicesSerializer(BrandVoices(brand, count)).data)


class ListingBrandVoicesView(APIView):
    @extend_schema(
        responses=ListingBrandVoicesSerializer,
        operation_id="discover_listing_brand_voices",
        description="For the listing's seller only (anyone else: 404, as for a listing they "
        "cannot manage): how many trusted voices whose home is near the listing, and who allow "
        "`influence` and `insights` for the seller, recommend the listing's brand, counted with "
        "noise.",
    )
    def get(self, request, listing_id: int):
        # A listing not yours: the same 404 as the marketplace's.
        listing = access_own_listing(request.user, listing_id)
        near = trusted.brand_voices_near(request.user, listing)
        answer = ListingBrandVoices(listing, near)
        return Response(ListingBrandVoicesSerializer(answer).data)


urlpatterns = [
    path("influence/", MyInfluenceView.as_view(), name="api-discover-influence"),
    path("voices/<slug:slug>/", VoicesView.as_view(), name="api-discover-voices"),
    path("brands/<slug:slug>/voices/", BrandVoicesView.as_view(), name="api-discover-brand-voices"),
    path(
        "listings/<int:listing_id>/brand-voices/",
        ListingBrandVoicesView.as_view(),
        name="api-discover-listing-brand-voices",
    ),
]
