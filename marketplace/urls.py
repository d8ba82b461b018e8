"""Marketplace pages. Each feature keeps its own `urlpatterns` beside its views."""

from marketplace.views import (
    brands,
    campaigns,
    deals,
    likes,
    listings,
    purchases,
    reports,
    reviews,
    search,
)

app_name = "marketplace"

urlpatterns = [
    *listings.urlpatterns,
    *search.urlpatterns,
    *deals.urlpatterns,
    *purchases.urlpatterns,
    *reviews.urlpatterns,
    *reports.urlpatterns,
    *brands.urlpatterns,
    *campaigns.urlpatterns,
    *likes.urlpatterns,
]
