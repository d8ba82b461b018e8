"""Search API: listings search, saved searches and the watchlist, as JSON.

The same selectors and services as the pages (`marketplace.selectors.search`,
`marketplace.services.search`); a refused input is a 4xx in the one error body, with a code
naming the parameter (`invalid_radius_km`, `invalid_category`...).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.listings import RoundedKmField
from marketplace.models import Listing
from marketplace.selectors import search as selectors
from marketplace.selectors.search_params import Sort
from marketplace.services import search as services

# --- Shapes ----------------------------------------------------------------------------------


class ListingCardSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    condition = serializers.CharField()
    status = serializers.CharField()
    category = serializers.IntegerField(source="category_id")
    category_name = serializers.CharField(source="category.name")
    place = serializers.CharField()
    latitude = serializers.DecimalField(
        source="public_latitude",
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text="Rounded to about 1 km; for the seller alone (others: the place's name).",
    )
    longitude = serializers.DecimalField(
        source="public_longitude",
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="Rounded to about 1 km; for the seller alone (others: the place's name).",
    )
    distance_km = RoundedKmField(
        allow_null=True,
        help_text="From the search point (default: your home) to the rounded place; null "
        "without a point.",
    )
    thumbnail = serializers.SerializerMethodField()
    url = serializers.CharField(help_text="The listing's page.")
    published_at = serializers.DateTimeField()
    pickup = serializers.BooleanField(help_text="Local pickup.")
    shipping = serializers.BooleanField()
    shipping_price = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, help_text="With shipping; 0 is free."
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or instance.seller_id != request.user.pk:
            data["latitude"] = data["longitude"] = None
        return data

    def get_thumbnail(self, listing) -> str | None:
        cover = getattr(listing, "cover", None)
        if cover is None:
            return None
        request = self.context.get("request")
        url = cover.thumbnail.url
        return request.build_absolute_uri(url) if request else url


class SearchPageSerializer(serializers.Serializer):
    results = ListingCardSerializer(many=True)
    page = serializers.IntegerField(source="number")
    page_size = serializers.IntegerField()
    has_next = serializers.BooleanField()


class SavedSearchSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    q = serializers.CharField(
        source="query", required=False, allow_blank=True, max_length=200, default=""
    )
    category = serializers.IntegerField(
        source="category_id", required=False, allow_null=True, default=None
    )
    max_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    radius_km = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="1 to 500 km around your home (needs a home in your profile).",
    )
    created_at = serializers.DateTimeField(read_only=True)


class WatchSerializer(serializers.Serializer):
    listing = ListingCardSerializer()
    created_at = serializers.DateTimeField()


class WatchCreateSerializer(serializers.Serializer):
    listing = serializers.IntegerField()


# --- Operations ------------------------------------------------------------------------------

SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description="Words to find, every one: any accent, case or plural, a synonym "
        '("vélo" finds bikes) or a category\'s name.',
    ),
    OpenApiParameter("category", str, description="Category id or slug; includes subcategories."),
    OpenApiParameter(
        "min_price", str, description='Lowest price, as typed: "89.50", "89,50", "1 200".'
    ),
    OpenApiParameter("max_price", str, description="Highest price, as typed."),
    OpenApiParameter(
        "currency",
        str,
        enum=Listing.Currency.values,
        description="The currency prices are compared in (default: your home country's, else "
        "EUR). With a price bound or a price sort, only listings in this currency come back.",
    ),
    OpenApiParameter(
        "condition",
        str,
        many=True,
        enum=Listing.Condition.values,
        description="Repeat for several conditions.",
    ),
    OpenApiParameter("near", str, description="lat,lng to measure from; default: your home."),
    OpenApiParameter("radius_km", int, description="1 to 500 km around the point."),
    OpenApiParameter(
        "sort",
        str,
        enum=list(Sort.VALUES),
        description="Default: distance with a point (your home) and no words, else relevance.",
    ),
    OpenApiParameter(
        "delivery",
        str,
        enum=["pickup", "shipping"],
        description="Only listings with local pickup, or with shipping.",
    ),
    OpenApiParameter("page", int, description="From 1."),
]


class SearchView(APIView):
    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses=SearchPageSerializer,
        operation_id="market_search",
    )
    def get(self, request):
        """Listings you may see that match, one page at a time (`has_next` says if there is
        more). Bad filters (a radius outside 1–500 km, a minimum price above the maximum, an
        unknown category, sort or currency) are a 400 naming the parameter."""
        params = request.query_params
        page = selectors.search_listings(
            request.user,
            params.get("q", ""),
            category=params.get("category"),
            min_price=params.get("min_price"),
            max_price=params.get("max_price"),
            conditions=params.getlist("condition"),
            near=params.get("near") or None,
            radius_km=params.get("radius_km"),
            sort=params.get("sort"),
            delivery=params.get("delivery"),
            currency=params.get("currency"),
            page=params.get("page", 1),
        )
        return Response(SearchPageSerializer(page, context={"request": request}).data)


class SavedSearchesView(APIView):
    @extend_schema(responses=SavedSearchSerializer(many=True), operation_id="market_saved_list")
    def get(self, request):
        """Your saved searches, newest first."""
        rows = selectors.saved_searches_of(request.user)
        return Response(SavedSearchSerializer(rows, many=True).data)

    @extend_schema(
        request=SavedSearchSerializer,
        responses={201: SavedSearchSerializer},
        operation_id="market_saved_create",
    )
    def post(self, request):
        """Save a search (words and/or a category, a maximum price, a radius around your home):
        a new listing that matches it notifies you. 409 when it is already saved."""
        body = SavedSearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        saved = services.saved_search_create(
            owner=request.user,
            query=data["query"],
            category=data["category_id"],
            max_price=data["max_price"],
            radius_km=data["radius_km"],
        )
        return Response(SavedSearchSerializer(saved).data, status=status.HTTP_201_CREATED)


class SavedSearchView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="market_saved_delete")
    def delete(self, request, saved_search_id: int):
        """Delete one of your saved searches."""
        services.saved_search_delete(owner=request.user, saved_search_id=saved_search_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WatchlistView(APIView):
    @extend_schema(responses=WatchSerializer(many=True), operation_id="market_watchlist")
    def get(self, request):
        """The listings on your watchlist you may still see, last added first."""
        watches = selectors.watchlist_of(request.user)
        return Response(WatchSerializer(watches, many=True, context={"request": request}).data)

    @extend_schema(
        request=WatchCreateSerializer,
        responses={201: None},
        operation_id="market_watch_add",
    )
    def post(self, request):
        """Watch a listing you can see (again: no change). 404 for a listing you cannot see."""
        body = WatchCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        watch = services.watch_add(user=request.user, listing_id=body.validated_data["listing"])
        return Response(
            {"listing": watch.listing_id, "created_at": watch.created_at},
            status=status.HTTP_201_CREATED,
        )


class WatchView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="market_watch_remove")
    def delete(self, request, listing_id: int):
        """Stop watching a listing."""
        services.watch_remove(user=request.user, listing_id=listing_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("search/", SearchView.as_view(), name="api-market-search"),
    path("saved-searches/", SavedSearchesView.as_view(), name="api-market-saved-searches"),
    path(
        "saved-searches/<int:saved_search_id>/",
        SavedSearchView.as_view(),
        name="api-market-saved-search",
    ),
    path("watchlist/", WatchlistView.as_view(), name="api-market-watchlist"),
    path("watchlist/<int:listing_id>/", WatchView.as_view(), name="api-market-watch"),
]
