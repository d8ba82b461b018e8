"""personal API."""

urlpatterns: list = []
