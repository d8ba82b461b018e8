"""reviews pages."""

urlpatterns: list = []
