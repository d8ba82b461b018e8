from django.urls import path

from accounts.api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/avatar/", views.MeAvatarView.as_view(), name="api-me-avatar"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
]
