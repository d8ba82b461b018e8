"""Listings API: the catalog (categories, brands, products), a seller's listings (create, edit,
photos, publish / withdraw / relist, delete a draft), and one listing as a viewer sees it.

The same selectors and services as the pages. A listing a viewer may not see is a 404; a rule
that says no is a 4xx with the service's message in the one error body (`config.api`).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import DomainError
from config.ids import IdListField
from config.parsers import JSONParser
from marketplace.models import Listing, ListingAudience
from marketplace.selectors import listings as selectors
from marketplace.services import listing_lifecycle, listing_photos, listings

# --- Serializers ----------------------------------------------------------------------------
# Each reads the objects the selectors return, so a resource's output is declared once, here.


def file_url(request, file) -> str | None:
    """A stored file's absolute address; None when there is no file."""
    return request.build_absolute_uri(file.url) if file else None


class FileUrlField(serializers.CharField):
    """A stored file's absolute address, or null when there is none."""

    # The stubs give CharField's output as str; a missing file is null here.
    def to_representation(self, value) -> str | None:  # type: ignore[override]
        return file_url(self.context["request"], value)


class CatalogCategoryTreeSerializer(serializers.Serializer):
    """A node of `selectors.category_tree()`: its category and the nodes below it."""

    id = serializers.IntegerField(source="category.pk")
    name = serializers.CharField(source="category.name")
    slug = serializers.CharField(source="category.slug")
    topic = serializers.CharField(
        source="category.topic.slug", allow_null=True, help_text="The social topic's slug."
    )
    children = serializers.SerializerMethodField(help_text="The same shape.")

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, node) -> list:
        # The stubs give `.data` as a dict; with many=True it is a list.
        return CatalogCategoryTreeSerializer(node.children, many=True).data  # type: ignore[return-value]


class CatalogRefSerializer(serializers.Serializer):
    """A catalog entry named in passing: a category, brand or product model."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class CatalogBrandSerializer(CatalogRefSerializer):
    pass


class CatalogProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    brand = CatalogBrandSerializer()
    category_id = serializers.IntegerField()


class CatalogCategorySerializer(CatalogRefSerializer):
    pass


class ListingPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    image = FileUrlField(help_text="The photo, at most 1600 px a side.")
    thumbnail = FileUrlField(help_text="A copy at most 400 px a side.")


class ListingSellerSerializer(serializers.Serializer):
    """The seller, as one `selectors.ListingPage` shows them to its viewer."""

    id = serializers.IntegerField(source="listing.seller_id")
    display_name = serializers.CharField(source="listing.seller.display_name")
    relation = serializers.CharField(
        source="relation.value", help_text="self, friend, fof, member or anonymous."
    )
    badge = serializers.CharField(help_text="“1st” for a friend, “2nd” for a friend of a friend.")


class ListingLocationSerializer(serializers.Serializer):
    place = serializers.CharField(help_text="The town's name, as people see it.")
    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=5, allow_null=True, help_text="For the seller alone."
    )
    longitude = serializers.DecimalField(
        max_digits=8, decimal_places=5, allow_null=True, help_text="For the seller alone."
    )
    exact = serializers.BooleanField(
        help_text="True for the seller and their friends (the distance is from the exact "
        "point); otherwise it is rounded to about 1 km."
    )


class RoundedKmField(serializers.FloatField):
    """A distance in km, to 100 m."""

    # The stubs give FloatField's output as str; DRF's is a float.
    def to_representation(self, value) -> float:  # type: ignore[override]
        return round(float(value), 1)


class ListingSerializer(serializers.Serializer):
    """One listing as `selectors.listing_page` shows it to a viewer (a `ListingPage`); its
    audience settings for the seller alone."""

    id = serializers.IntegerField(source="listing.pk")
    title = serializers.CharField(source="listing.title")
    description = serializers.CharField(source="listing.description")
    category = CatalogCategorySerializer(source="listing.category")
    brand = CatalogBrandSerializer(source="listing.brand", allow_null=True)
    product_model = CatalogRefSerializer(source="listing.product_model", allow_null=True)
    condition = serializers.ChoiceField(
        source="listing.condition", choices=Listing.Condition.choices
    )
    price = serializers.DecimalField(source="listing.price", max_digits=10, decimal_places=2)
    currency = serializers.ChoiceField(source="listing.currency", choices=Listing.Currency.choices)
    status = serializers.ChoiceField(source="listing.status", choices=Listing.Status.choices)
    brand_name = serializers.CharField(
        source="listing.brand_name", help_text="A brand the seller named, not in the catalog."
    )
    model_name = serializers.CharField(
        source="listing.model_name", help_text="A model the seller named, not in the catalog."
    )
    pickup = serializers.BooleanField(source="listing.pickup", help_text="Local pickup.")
    shipping = serializers.BooleanField(source="listing.shipping", help_text="Sent by the seller.")
    shipping_price = serializers.DecimalField(
        source="listing.shipping_price",
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text="With shipping; 0 is free.",
    )
    sold_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="What it sold for: to its seller and its buyer only.",
    )
    location = ListingLocationSerializer()
    distance_km = RoundedKmField(
        allow_null=True, help_text="From the viewer's home, when they gave one."
    )
    seller = ListingSellerSerializer(source="*")
    photos = ListingPhotoSerializer(many=True)
    published_at = serializers.DateTimeField(source="listing.published_at", allow_null=True)
    audience = serializers.SerializerMethodField(help_text="The seller alone sees these.")
    circle_ids = serializers.SerializerMethodField()
    nearby_radius_km = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_audience(self, page) -> str | None:
        return page.listing.audience if page.is_seller else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(), allow_null=True))
    def get_circle_ids(self, page) -> list[int] | None:
        return sorted(c.pk for c in page.listing.circles.all()) if page.is_seller else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_nearby_radius_km(self, page) -> int | None:
        return page.listing.nearby_radius_km if page.is_seller else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.is_seller:  # a place is a town's name to others, never coordinates
            data["location"]["latitude"] = data["location"]["longitude"] = None
        return data


class MyListingSerializer(serializers.Serializer):
    """One of `selectors.listings_of_seller` (photos prefetched)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Listing.Status.choices)
    hidden = serializers.BooleanField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    category = CatalogCategorySerializer()
    cover = serializers.SerializerMethodField(help_text="The first photo's thumbnail.")
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_cover(self, listing) -> str | None:
        photos = list(listing.photos.all())
        return file_url(self.context["request"], photos[0].thumbnail if photos else None)


class ListingWriteSerializer(serializers.Serializer):
    """Shape only; every rule (price range, coordinates, circles, radius…) is the service's."""

    title = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.IntegerField(required=False, allow_null=True, help_text="A category id.")
    brand = serializers.IntegerField(required=False, allow_null=True)
    product_model = serializers.IntegerField(required=False, allow_null=True)
    condition = serializers.CharField(required=False, help_text=", ".join(Listing.Condition.values))
    price = serializers.CharField(required=False, help_text="A decimal, like “450.00”.")
    currency = serializers.CharField(required=False, help_text=", ".join(Listing.Currency.values))
    place = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.CharField(required=False, allow_null=True)
    longitude = serializers.CharField(required=False, allow_null=True)
    audience = serializers.CharField(required=False, help_text=", ".join(ListingAudience.values))
    circle_ids = IdListField(required=False)
    nearby_radius_km = serializers.IntegerField(required=False, allow_null=True)
    brand_name = serializers.CharField(
        required=False, allow_blank=True, help_text="A brand not in the catalog (a suggestion)."
    )
    model_name = serializers.CharField(
        required=False, allow_blank=True, help_text="A model not in the catalog (a suggestion)."
    )
    pickup = serializers.BooleanField(required=False, help_text="Local pickup (default true).")
    shipping = serializers.BooleanField(required=False, help_text="Shipping (default false).")
    shipping_price = serializers.CharField(
        required=False, allow_null=True, help_text="With shipping: a decimal, 0 for free."
    )


class ListingCreateSerializer(ListingWriteSerializer):
    publish = serializers.BooleanField(
        required=False, default=False, help_text="Put it on sale at once (else a draft)."
    )


class ListingPhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG, WebP or GIF.")


class ListingTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(listing_lifecycle.SELLER_ACTIONS))


# --- Helpers --------------------------------------------------------------------------------


def _answer(request, listing_id, status_code: int = status.HTTP_200_OK) -> Response:
    page = selectors.access_listing_page(request.user, listing_id)
    data = ListingSerializer(page, context={"request": request}).data
    return Response(data, status=status_code)


CATEGORY_PARAM = OpenApiParameter(
    "category", int, description="A category id: this category and those below it."
)

# --- Catalog --------------------------------------------------------------------------------


class CategoriesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses=CatalogCategoryTreeSerializer(many=True), operation_id="market_categories"
    )
    def get(self, request):
        """The category tree: roots in order, each with its subcategories."""
        return Response(CatalogCategoryTreeSerializer(selectors.category_tree(), many=True).data)


class BrandsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[CATEGORY_PARAM],
        responses=CatalogBrandSerializer(many=True),
        operation_id="market_brands",
    )
    def get(self, request):
        """Brands, or those with a product in the category."""
        brands = selectors.brands_for(request.query_params.get("category"))
        return Response(CatalogBrandSerializer(brands, many=True).data)


class ProductsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[CATEGORY_PARAM, OpenApiParameter("brand", int, description="A brand id.")],
        responses=CatalogProductSerializer(many=True),
        operation_id="market_products",
    )
    def get(self, request):
        """Product models, optionally in a category (and below) and of a brand."""
        products = selectors.products_for(
            request.query_params.get("category"), request.query_params.get("brand")
        )
        return Response(CatalogProductSerializer(products, many=True).data)


# --- Listings -------------------------------------------------------------------------------


class ListingsView(APIView):
    @extend_schema(
        request=ListingCreateSerializer,
        responses={201: ListingSerializer},
        operation_id="market_listings_create",
    )
    def post(self, request):
        """Sell something: a draft, or on sale at once with `publish`. Add photos after."""
        data = ListingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        required = ("title", "category", "condition", "price", "place", "latitude", "longitude")
        for name in required:
            fields.setdefault(name, None)
        listing = listings.listing_create(seller=request.user, **fields)
        return _answer(request, listing.pk, status.HTTP_201_CREATED)


class MyListingsView(APIView):
    @extend_schema(responses=MyListingSerializer(many=True), operation_id="market_listings_mine")
    def get(self, request):
        """Your listings in every state, most recently changed first."""
        listings = selectors.listings_of_seller(request.user)
        context = {"request": request}
        return Response(MyListingSerializer(listings, many=True, context=context).data)


class ListingView(APIView):
    def get_permissions(self):
        # Anyone may read a listing its audience includes; only a signed-in seller changes it.
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=ListingSerializer, operation_id="market_listing")
    def get(self, request, listing_id: int):
        """A listing as the viewer may see it: exact place for the seller's friends only."""
        return _answer(request, listing_id)

    @extend_schema(
        request=ListingWriteSerializer,
        responses=ListingSerializer,
        operation_id="market_listing_update",
    )
    def patch(self, request, listing_id: int):
        """Change some fields of your listing (while a draft, on sale or reserved)."""
        listing = selectors.access_own_listing(request.user, listing_id)
        data = ListingWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        listings.listing_update(seller=request.user, listing=listing, **data.validated_data)
        return _answer(request, listing.pk)

    @extend_schema(request=None, responses={204: None}, operation_id="market_listing_delete")
    def delete(self, request, listing_id: int):
        """Delete a draft. A published listing is withdrawn instead (see transitions)."""
        listings.listing_delete(
            seller=request.user, listing=selectors.access_own_listing(request.user, listing_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ListingPhotosView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ListingPhotoUploadSerializer},
        responses={201: ListingPhotoSerializer},
        operation_id="market_listing_photo_add",
    )
    def post(self, request, listing_id: int):
        """Add a photo (at most 10 a listing); its thumbnail is made now, once."""
        listing = selectors.access_own_listing(request.user, listing_id)
        data = ListingPhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = listing_photos.listing_photo_add(
            seller=request.user, listing=listing, image=data.validated_data["image"]
        )
        body = ListingPhotoSerializer(photo, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ListingPhotoView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="market_listing_photo_remove")
    def delete(self, request, listing_id: int, photo_id: int):
        """Remove one photo of your listing."""
        listing_photos.listing_photo_remove(
            seller=request.user,
            listing=selectors.access_own_listing(request.user, listing_id),
            photo_id=photo_id,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ListingTransitionView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request=ListingTransitionSerializer,
        responses=ListingSerializer,
        operation_id="market_listing_transition",
    )
    def post(self, request, listing_id: int):
        """Publish a draft, withdraw a listing, or relist a withdrawn or expired one.
        An illegal move ("A sold listing can't be withdrawn.") is a 409."""
        listing = selectors.access_own_listing(request.user, listing_id)
        data = ListingTransitionSerializer(data=request.data)
        if not data.is_valid():
            raise DomainError(
                f"Choose an action: {', '.join(sorted(listing_lifecycle.SELLER_ACTIONS))}.",
                code="bad_action",
            )
        listing_lifecycle.listing_act(
            seller=request.user, listing=listing, action=data.validated_data["action"]
        )
        return _answer(request, listing.pk)


urlpatterns = [
    path("categories/", CategoriesView.as_view(), name="api-market-categories"),
    path("brands/", BrandsView.as_view(), name="api-market-brands"),
    path("products/", ProductsView.as_view(), name="api-market-products"),
    path("listings/", ListingsView.as_view(), name="api-market-listings"),
    path("listings/mine/", MyListingsView.as_view(), name="api-market-listings-mine"),
    path("listings/<int:listing_id>/", ListingView.as_view(), name="api-market-listing"),
    path(
        "listings/<int:listing_id>/photos/",
        ListingPhotosView.as_view(),
        name="api-market-listing-photos",
    ),
    path(
        "listings/<int:listing_id>/photos/<int:photo_id>/",
        ListingPhotoView.as_view(),
        name="api-market-listing-photo",
    ),
    path(
        "listings/<int:listing_id>/transitions/",
        ListingTransitionView.as_view(),
        name="api-market-listing-transitions",
    ),
]
