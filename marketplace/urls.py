"""Marketplace pages. Each feature keeps its own `urlpatterns` beside its views."""

from marketplace.views import deals, listings, reports, reviews, search

app_name = "marketplace"

urlpatterns = [
    *listings.urlpatterns,
    *search.urlpatterns,
    *deals.urlpatterns,
    *reviews.urlpatterns,
    *reports.urlpatterns,
]
