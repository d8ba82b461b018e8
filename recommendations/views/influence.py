"""influence pages."""

urlpatterns: list = []
