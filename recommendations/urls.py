"""Recommendation pages. Each feature keeps its own `urlpatterns` beside its views."""

from recommendations.views import influence, personal, search

app_name = "recommendations"

urlpatterns = [*search.urlpatterns, *influence.urlpatterns, *personal.urlpatterns]
