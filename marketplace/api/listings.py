"""listings API."""

urlpatterns: list = []
