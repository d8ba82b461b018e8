from django.urls import path

from social import notification_views, views

app_name = "social"

urlpatterns = [
    path("feed/", views.feed, name="feed"),
    path("people/", views.people, name="people"),
    path("people/<int:user_id>/", views.profile, name="profile"),
    path(
        "people/<int:user_id>/friend-request/",
        views.friend_request_send,
        name="friend_request_send",
    ),
    path("people/<int:user_id>/unfriend/", views.unfriend, name="unfriend"),
    path("people/<int:user_id>/block/", views.block, name="block"),
    path("people/<int:user_id>/unblock/", views.unblock, name="unblock"),
    path("people/<int:user_id>/circles/", views.friend_circles, name="friend_circles"),
    path("view-as/", views.view_as, name="view_as"),
    path("friends/", views.friend_list, name="friends"),
    path("friends/requests/", views.friend_requests, name="friend_requests"),
    path(
        "friends/requests/<int:request_id>/<slug:action>/",
        views.friend_request_respond,
        name="friend_request_respond",
    ),
    path("blocked/", views.block_list, name="blocks"),
    path("circles/", views.circle_list, name="circles"),
    path("circles/<int:circle_id>/rename/", views.circle_rename, name="circle_rename"),
    path("circles/<int:circle_id>/delete/", views.circle_delete, name="circle_delete"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:post_id>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("posts/audience/", views.posts_audience, name="posts_audience"),
    path("settings/sharing/", views.settings_page, name="settings"),
    path(
        "settings/notifications/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.unsubscribe_page,
        name="unsubscribe",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
