"""listings pages."""

urlpatterns: list = []
