"""Privacy pages. Each feature keeps its own `urlpatterns` beside its views."""

from privacy.views import consent, erasure, exports

app_name = "privacy"

urlpatterns = [*consent.urlpatterns, *exports.urlpatterns, *erasure.urlpatterns]
