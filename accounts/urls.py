from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("places/", views.place_suggestions, name="place_suggestions"),
    path("verify-email/resend/", views.verification_resend, name="verification_resend"),
    path("places/nearest/", views.place_nearest, name="place_nearest"),
]
