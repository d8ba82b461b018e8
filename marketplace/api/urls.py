from marketplace.api import deals, listings, reports, reviews, search

urlpatterns = [
    *listings.urlpatterns,
    *search.urlpatterns,
    *deals.urlpatterns,
    *reviews.urlpatterns,
    *reports.urlpatterns,
]
