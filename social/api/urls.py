from django.urls import path

from social.api import notification_views, views

urlpatterns = [
    path("people/", views.PeopleSearchView.as_view(), name="api-people"),
    path("people/suggestions/", views.SuggestionsView.as_view(), name="api-suggestions"),
    path("people/<int:user_id>/", views.ProfileView.as_view(), name="api-profile"),
    path("people/<int:user_id>/posts/", views.PersonPostsView.as_view(), name="api-person-posts"),
    path("friends/", views.FriendsView.as_view(), name="api-friends"),
    path("friends/<int:user_id>/", views.FriendView.as_view(), name="api-friend"),
    path(
        "friends/<int:user_id>/circles/",
        views.FriendCirclesView.as_view(),
        name="api-friend-circles",
    ),
    path("friend-requests/", views.FriendRequestsView.as_view(), name="api-friend-requests"),
    *[
        path(
            f"friend-requests/<int:request_id>/{action}/",
            views.FriendRequestActionView.as_view(action=action),
            name=f"api-friend-request-{action}",
        )
        for action in ("accept", "decline", "cancel")
    ],
    path("blocks/", views.BlocksView.as_view(), name="api-blocks"),
    path("blocks/<int:user_id>/", views.BlockView.as_view(), name="api-block"),
    path("circles/", views.CirclesView.as_view(), name="api-circles"),
    path("circles/<int:circle_id>/", views.CircleView.as_view(), name="api-circle"),
    path("feed/", views.FeedView.as_view(), name="api-feed"),
    path("posts/", views.PostsView.as_view(), name="api-posts"),
    path("posts/audience/", views.BulkAudienceView.as_view(), name="api-posts-audience"),
    path("posts/<int:post_id>/", views.PostView.as_view(), name="api-post"),
    path("posts/<int:post_id>/comments/", views.CommentsView.as_view(), name="api-comments"),
    path("comments/<int:comment_id>/", views.CommentView.as_view(), name="api-comment"),
    path("notifications/", views.NotificationsView.as_view(), name="api-notifications"),
    path(
        "notifications/read/", views.NotificationsReadView.as_view(), name="api-notifications-read"
    ),
    path("settings/sharing/", views.SharingSettingsView.as_view(), name="api-sharing-settings"),
    path(
        "settings/notifications/",
        notification_views.NotificationSettingsView.as_view(),
        name="api-notification-settings",
    ),
    path("view-as/", views.PreviewView.as_view(), name="api-view-as"),
]
