"""exports pages."""

urlpatterns: list = []
