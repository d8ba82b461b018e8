"""influence API."""

urlpatterns: list = []
