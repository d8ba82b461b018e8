"""Marketplace pages. Each feature keeps its own `urlpatterns` beside its views."""

from marketplace.views import deals, listings, purchase_reviews, reports, reviews, search

app_name = "marketplace"

urlpatterns = [
    *listings.urlpatterns,
    *search.urlpatterns,
    *deals.urlpatterns,
    *purchase_reviews.urlpatterns,
    *reviews.urlpatterns,
    *reports.urlpatterns,
]
