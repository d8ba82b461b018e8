"""search API."""

urlpatterns: list = []
