"""erasure pages."""

urlpatterns: list = []
