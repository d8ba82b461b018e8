"""deals API."""

urlpatterns: list = []
