"""personal pages."""

urlpatterns: list = []
