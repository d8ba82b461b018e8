"""exports API."""

urlpatterns: list = []
