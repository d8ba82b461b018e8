"""erasure API."""

urlpatterns: list = []
