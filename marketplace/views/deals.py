"""deals pages."""

urlpatterns: list = []
