"""Reads for a brand's page: the brand, its product models, its posts with the comments the viewer
may see, the page's own comments, listings of the brand near the viewer, and what the viewer is
to the brand (a fan, a manager, a claim waiting). Every comment and fan row is read through the
audience policy (`visible_to`); the brand's posts are public. A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User, Viewer
from marketplace.models import (
    Brand,
    BrandClaim,
    BrandComment,
    BrandPost,
    Campaign,
    Fan,
    Listing,
    ProductModel,
)
from marketplace.selectors.search import public_distance_expression, with_cards, within_radius
from marketplace.selectors.search_params import SearchCriteria
from marketplace.services.brands import is_manager
from marketplace.services.campaigns import offered_to
from privacy.consent import granted
from privacy.purposes import Purpose

POSTS_SHOWN = 20
LISTINGS_SHOWN = 6
NEARBY_KM = 50


@dataclass
class BrandPage:
    brand: Brand
    products: list[ProductModel]
    posts: list[BrandPost]
    comments: list[BrandComment]  # on the page itself, oldest first
    listings: list[Listing]
    fan: Fan | None = None  # the viewer's own fan row
    manager: bool = False
    claim: BrandClaim | None = None  # the viewer's claim, if any
    near_home: bool = False  # the listings are those near the viewer's home
    # Managers: every campaign of the brand; a fan who asked for them: those open to them.
    campaigns: list[Campaign] = field(default_factory=list)
    needs_insights: bool = False  # a fan asked for feedback requests without allowing insights
    needs_offers: bool = False  # a fan asked for offers without allowing offers


def access_brand(slug: str) -> Brand:
    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        raise Http404("No such brand.")
    return brand


def comments_seen_by(viewer: Viewer) -> QuerySet[BrandComment]:
    return (
        BrandComment.objects.visible_to(viewer)
        .select_related("author__profile")
        .order_by("created_at", "id")
    )


def brand_page(viewer: Viewer, brand: Brand) -> BrandPage:
    posts = list(
        BrandPost.objects.filter(brand=brand, hidden=False)
        .prefetch_related(Prefetch("comments", queryset=comments_seen_by(viewer)))
        .order_by("-created_at", "-id")[:POSTS_SHOWN]
    )
    comments = list(comments_seen_by(viewer).filter(brand=brand, post__isnull=True))
    products = list(
        ProductModel.objects.filter(brand=brand).select_related("category").order_by("name")
    )
    listings, near_home = brand_listings(viewer, brand)
    page = BrandPage(
        brand=brand,
        products=products,
        posts=posts,
        comments=comments,
        listings=listings,
        near_home=near_home,
    )
    if isinstance(viewer, User) and viewer.is_authenticated:
        mine = Q(member=viewer, brand=brand)
        page.fan = Fan.objects.filter(mine).prefetch_related("circles").first()
        page.claim = BrandClaim.objects.filter(mine).first()
        page.manager = is_manager(viewer, brand)
        if page.manager:
            page.campaigns = list(Campaign.objects.filter(brand=brand).order_by("-starts_at"))
        if page.fan is not None and page.fan.offers:
            page.needs_offers = not granted(viewer, Purpose.OFFERS)
        if not page.manager and page.fan is not None and page.fan.campaigns:
            page.campaigns = offered_to(viewer, brand=brand)
            page.needs_insights = not granted(viewer, Purpose.INSIGHTS)
    return page


def brand_listings(viewer: Viewer, brand: Brand) -> tuple[list[Listing], bool]:
    """Live listings of the brand the viewer may see: within `NEARBY_KM` of their home, nearest
    first, when they set one; else the newest."""
    rows = (
        Listing.objects.visible_to(viewer)
        .live()
        .filter(hidden=False)
        .filter(Q(brand=brand) | Q(product_model__brand=brand))
        .select_related("category")
    )
    profile = getattr(viewer, "profile", None) if viewer is not None else None
    home = (
        (float(profile.home_latitude), float(profile.home_longitude))
        if profile is not None and profile.home_latitude is not None
        else None
    )
    if home is None:
        found = list(rows.order_by("-created_at", "-id")[:LISTINGS_SHOWN])
    else:
        criteria = SearchCriteria(point=home, radius_km=NEARBY_KM)
        near = rows.annotate(distance_km=public_distance_expression(*home))
        nearest = within_radius(near, criteria).order_by("distance_km", "-id")  # type: ignore[arg-type]
        found = list(nearest[:LISTINGS_SHOWN])
    with_cards(found)
    return found, home is not None


def brands_with_products() -> QuerySet[Brand]:
    """Every brand, with how many product models the catalog has of it, by name."""
    return Brand.objects.annotate(models=Count("products")).order_by("name")


FEED_BRAND_POSTS = 3
FEED_BRAND_DAYS = 30


def brand_posts_for_feed(viewer: Viewer) -> list[BrandPost]:
    """The newest posts (of the last `FEED_BRAND_DAYS` days) of the brands the viewer is a fan
    of and asked to hear from (`Fan.posts_in_feed`). Nobody else's feed ever shows a brand."""
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        return []
    followed = Fan.objects.filter(member=viewer, posts_in_feed=True).values("brand_id")
    since = timezone.now() - timedelta(days=FEED_BRAND_DAYS)
    return list(
        BrandPost.objects.filter(brand_id__in=followed, hidden=False, created_at__gte=since)
        .select_related("brand")
        .order_by("-created_at", "-id")[:FEED_BRAND_POSTS]
    )
