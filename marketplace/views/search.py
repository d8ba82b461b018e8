"""search pages."""

urlpatterns: list = []
