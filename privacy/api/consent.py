"""consent API."""

urlpatterns: list = []
