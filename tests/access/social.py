"""Access-matrix rows for the site's own pages, the social routes and representatives of the
third-party ones (the engine and how to write a row: tests/access/engine.py)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from social.models import (
    Block,
    Circle,
    CircleMembership,
    Comment,
    FriendRequest,
    Friendship,
    Notification,
    Post,
    SocialSettings,
)
from tests.access.engine import (
    API_ANON,
    LOGIN,
    OWNER_POST_AUDIENCES,
    PUBLIC,
    SIGNED_IN,
    SIGNED_IN_API,
    VIEWERS,
    Row,
    all_but,
    api,
    page,
    per,
    plus,
    sees,
)
from tests.factories import PASSWORD

# --- What each viewer may see, by the audience policy (social/audience.py) -------------------

OWNER_POSTS = sees(
    anonymous="public",
    stranger="public members",
    moderator="public members",
    fof="public members fof",
    friend_b="public members fof friends",
    friend_a="public members fof friends circle_a",
    owner="public members fof friends circle_a only_me",
)
OWNER_BIO = sees(owner="bio", friend_a="bio")
# Feeds hold one's own posts and friends' posts; blocked unfriended the owner by blocking.
FEED = plus(
    {v: OWNER_POSTS[v] if v in ("owner", "friend_a", "friend_b") else frozenset() for v in VIEWERS},
    sees(owner="a_friends", friend_a="a_friends", fof="a_friends", blocked="b_public"),
)


def _post_row(key: str, *, api_route: bool) -> Row:
    """Reading one of the owner's posts: 200 exactly for those whose audience includes it."""
    able = [viewer for viewer in VIEWERS if key in OWNER_POSTS[viewer]]
    shown = {viewer: key for viewer in able}
    if key == "public":  # its comments come along; a blocked pair never sees each other's
        shown = {viewer: f"{key} comment_a comment_b" for viewer in able}
        shown["owner"] = f"{key} comment_a"
    if api_route:
        return api(
            "GET /api/posts/{post_id}/",
            lambda c: reverse("api-post", args=[c["posts"][key].pk]),
            per(404, **dict.fromkeys(able, 200)),
            label=key,
            shows=sees(**dict.fromkeys(able, key)),  # comments have their own operation
        )
    return page(
        "posts/<int:post_id>/",
        lambda c: reverse("social:post", args=[c["posts"][key].pk]),
        per(404, **dict.fromkeys(able, 200)),
        label=key,
        shows=sees(**shown),
    )


# --- State readers for write rows ------------------------------------------------------------


def owner_friends(c):
    return set(Friendship.objects.filter(user=c["owner"]).values_list("friend_id", flat=True))


def blocks_of_owner(c):
    either_way = Q(blocked=c["owner"]) | Q(blocker=c["owner"])
    return set(Block.objects.filter(either_way).values_list("blocker_id", "blocked_id"))


def requests_to_owner(c):
    return set(
        FriendRequest.objects.filter(to_user=c["owner"]).values_list("from_user_id", "status")
    )


def the_request(c):
    return FriendRequest.objects.get(pk=c["request"].pk).status


def friend_a_circles(c):
    return set(
        CircleMembership.objects.filter(member=c["friend_a"], circle__owner=c["owner"]).values_list(
            "circle_id", flat=True
        )
    )


def owner_circles(c):
    return set(Circle.objects.filter(owner=c["owner"]).values_list("pk", "name"))


def owner_posts(c):
    return set(Post.objects.filter(author=c["owner"]).values_list("pk", "text", "audience"))


def comments_on_friends_post(c):
    return Comment.objects.filter(post=c["posts"]["friends"]).count()


def comments_on_public_post(c):
    return set(Comment.objects.filter(post=c["posts"]["public"]).values_list("pk", flat=True))


def owner_settings(c):
    s = SocialSettings.objects.get(user=c["owner"])
    return s.details_audience, s.findable, set(s.details_circles.values_list("pk", flat=True))


def owner_unread(c):
    return Notification.objects.filter(recipient=c["owner"], read_at__isnull=True).count()


def owner_email_choices(c):
    from social.services.notification_preferences import channels_for

    return channels_for(c["owner"])


def owner_unsubscribe_url(c):
    from social.services.notification_preferences import unsubscribe_token

    return reverse("social:unsubscribe", args=[unsubscribe_token(user=c["owner"], group="offers")])


def owner_profile(c):
    c["owner"].profile.refresh_from_db()
    return c["owner"].profile.bio


def owner_token(c):
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user=c["owner"]).exists()


def owner_url(name: str, suffix: str = ""):
    return lambda c: reverse(name, args=[c["owner"].pk]) + suffix


# --- The table: HTML pages -------------------------------------------------------------------

PAGES: list[Row] = [
    # The member home shows the newest five posts of the feed (FEED), nothing else marked.
    page(
        "",
        lambda c: reverse("home"),
        PUBLIC,
        shows=sees(
            owner="a_friends circle_a fof friends only_me",
            friend_a="a_friends circle_a fof friends members",
            friend_b="fof friends members public",
            fof="a_friends",
            blocked="b_public",
        ),
    ),
    page("healthz", lambda c: reverse("healthz"), PUBLIC),
    # Uploads are served by name in development (production serves them elsewhere); nothing
    # outside the media folder is reachable through it.
    page("media/<path:path>", lambda c: "/media/posts/0/missing.jpg", per(404), label="missing"),
    page(
        "media/<path:path>",
        lambda c: "/media/%2e%2e/config/settings.py",
        per(400),  # Django's SuspiciousFileOperation
        label="outside the folder",
    ),
    page("profile/", lambda c: reverse("profile_edit"), SIGNED_IN, shows=sees(owner="bio")),
    # Third-party representatives.
    page("admin/", lambda c: "/admin/", per(302, moderator=200)),
    # allauth guards the admin sign-in: visitors go to the one sign-in page, members are refused.
    page("admin/login/", lambda c: "/admin/login/", per(403, anonymous=LOGIN, moderator=302)),
    page("admin/accounts/user/", lambda c: "/admin/accounts/user/", per(302, moderator=403)),
    page("accounts/login/", lambda c: reverse("account_login"), per(302, anonymous=200)),
    page("accounts/signup/", lambda c: reverse("account_signup"), per(302, anonymous=200)),
    page("accounts/email/", lambda c: reverse("account_email"), SIGNED_IN),
    page("accounts/password/change/", lambda c: reverse("account_change_password"), SIGNED_IN),
    page("accounts/2fa/", lambda c: reverse("mfa_index"), SIGNED_IN),
    page("accounts/3rdparty/", lambda c: reverse("socialaccount_connections"), SIGNED_IN),
    page("api/schema/", lambda c: reverse("api-schema"), PUBLIC),
    page("api/docs/", lambda c: reverse("api-docs"), PUBLIC),
    # People.
    page(
        "people/",
        lambda c: reverse("social:people") + "?q=Olivia",
        SIGNED_IN,
        # Searchers find the owner; the owner sees their own name in the page header; blocked
        # finds no one, and is not offered the owner as a suggestion either.
        shows=sees(**dict.fromkeys(all_but("anonymous", "blocked"), "owner_name")),
    ),
    page(
        "people/<int:user_id>/",
        owner_url("social:profile"),
        per(200, blocked=404),
        label="owner",
        shows=plus(OWNER_POSTS, OWNER_BIO),
    ),
    page(
        "people/<int:user_id>/",
        lambda c: reverse("social:profile", args=[c["blocked"].pk]),
        per(200, owner=404),
        label="blocked",
        shows=sees(**dict.fromkeys(all_but("owner"), "b_public")),
    ),
    page(
        "people/<int:user_id>/friend-request/",
        owner_url("social:friend_request_send"),
        per(302, anonymous=LOGIN, blocked=404),
        method="POST",
        state=requests_to_owner,
        changes="fof moderator",
    ),
    page(
        "people/<int:user_id>/unfriend/",
        owner_url("social:unfriend"),
        per(302, anonymous=LOGIN, blocked=404),
        method="POST",
        state=owner_friends,
        changes="friend_a friend_b",
    ),
    page(
        "people/<int:user_id>/block/",
        owner_url("social:block"),
        per(302, anonymous=LOGIN, blocked=404),
        method="POST",
        state=blocks_of_owner,
        changes="stranger fof friend_a friend_b moderator",
    ),
    page(
        "people/<int:user_id>/unblock/",
        owner_url("social:unblock"),
        per(302, anonymous=LOGIN),
        method="POST",
        state=blocks_of_owner,
        changes="blocked",
    ),
    page(
        "people/<int:user_id>/circles/",
        lambda c: reverse("social:friend_circles", args=[c["friend_a"].pk]),
        per(302, anonymous=LOGIN),
        method="POST",
        body=lambda c: {"circles": [c["family"].pk]},
        state=friend_a_circles,
        changes="owner",
    ),
    page(
        "view-as/",
        lambda c: reverse("social:view_as"),
        SIGNED_IN,
        label="as a member",
        shows=sees(owner="public members", blocked="b_public"),
    ),
    page(
        "view-as/",
        lambda c: reverse("social:view_as") + f"?as=friend&person={c['friend_a'].pk}",
        per(302, anonymous=LOGIN, owner=200, fof=200),
        label="as friend_a",
        shows=sees(owner="public members fof friends circle_a bio"),
    ),
    # Friends and requests.
    page("friends/", lambda c: reverse("social:friends"), SIGNED_IN),
    page("friends/requests/", lambda c: reverse("social:friend_requests"), SIGNED_IN),
    *[
        page(
            "friends/requests/<int:request_id>/<slug:action>/",
            lambda c, action=action: reverse(
                "social:friend_request_respond", args=[c["request"].pk, action]
            ),
            per(302, anonymous=LOGIN),
            label=action,
            method="POST",
            state=the_request,
            changes=changer,
        )
        for action, changer in (("accept", "owner"), ("decline", "owner"), ("cancel", "stranger"))
    ],
    page(
        "friends/requests/<int:request_id>/<slug:action>/",
        lambda c: reverse("social:friend_request_respond", args=[c["request"].pk, "approve"]),
        per(404, anonymous=LOGIN),
        label="unknown action",
        method="POST",
        state=the_request,
    ),
    page("blocked/", lambda c: reverse("social:blocks"), SIGNED_IN),
    # Circles.
    page("circles/", lambda c: reverse("social:circles"), SIGNED_IN),
    page(
        "circles/",
        lambda c: reverse("social:circles"),
        per(302, anonymous=LOGIN),
        label="create",
        method="POST",
        body=lambda c: {"name": "Book club"},
        state=owner_circles,
        changes="owner",
    ),
    page(
        "circles/<int:circle_id>/rename/",
        lambda c: reverse("social:circle_rename", args=[c["circle_a"].pk]),
        per(302, anonymous=LOGIN),
        method="POST",
        body=lambda c: {"name": "Renamed"},
        state=owner_circles,
        changes="owner",
    ),
    page(
        "circles/<int:circle_id>/delete/",
        lambda c: reverse("social:circle_delete", args=[c["circle_a"].pk]),
        per(302, anonymous=LOGIN),
        method="POST",
        state=owner_circles,
        changes="owner",
    ),
    # Feed and posts.
    page("feed/", lambda c: reverse("social:feed"), SIGNED_IN, shows=FEED),
    page(
        "feed/",
        lambda c: reverse("social:feed"),
        per(302, anonymous=LOGIN),
        label="post",
        method="POST",
        body=lambda c: {"text": "A new post", "audience": "friends"},
        state=owner_posts,
        changes="owner",
    ),
    *[_post_row(key, api_route=False) for key in OWNER_POST_AUDIENCES],
    page(
        "posts/<int:post_id>/edit/",
        lambda c: reverse("social:post_edit", args=[c["posts"]["friends"].pk]),
        per(404, anonymous=LOGIN, owner=200),
        shows=sees(owner="friends"),
    ),
    page(
        "posts/<int:post_id>/edit/",
        lambda c: reverse("social:post_edit", args=[c["posts"]["friends"].pk]),
        per(404, anonymous=LOGIN, owner=302),
        label="save",
        method="POST",
        body=lambda c: {"text": "Edited", "audience": "public"},
        state=owner_posts,
        changes="owner",
    ),
    page(
        "posts/<int:post_id>/delete/",
        lambda c: reverse("social:post_delete", args=[c["posts"]["friends"].pk]),
        per(302, anonymous=LOGIN),
        method="POST",
        state=owner_posts,
        changes="owner",
    ),
    page(
        "posts/<int:post_id>/comments/",
        lambda c: reverse("social:comment_create", args=[c["posts"]["friends"].pk]),
        per(404, anonymous=LOGIN, owner=302, friend_a=302, friend_b=302),
        method="POST",
        body=lambda c: {"text": "Nice"},
        state=comments_on_friends_post,
        changes="owner friend_a friend_b",
    ),
    page(
        "comments/<int:comment_id>/delete/",
        lambda c: reverse("social:comment_delete", args=[c["comment"].pk]),
        per(302, anonymous=LOGIN),
        method="POST",
        state=comments_on_public_post,
        changes="owner friend_a",
    ),
    page("posts/audience/", lambda c: reverse("social:posts_audience"), SIGNED_IN),
    page(
        "posts/audience/",
        lambda c: reverse("social:posts_audience"),
        per(302, anonymous=LOGIN),
        label="change",
        method="POST",
        body=lambda c: {"audience": "only_me"},
        state=owner_posts,
        changes="owner",
    ),
    # Settings and notifications.
    page("settings/sharing/", lambda c: reverse("social:settings"), SIGNED_IN),
    page(
        "settings/sharing/",
        lambda c: reverse("social:settings"),
        per(302, anonymous=LOGIN),
        label="save",
        method="POST",
        body=lambda c: {"audience": "public", "findable": "on"},
        state=owner_settings,
        changes="owner",
    ),
    page("notifications/", lambda c: reverse("social:notifications"), SIGNED_IN),
    page(
        "settings/notifications/",
        lambda c: reverse("social:notification_settings"),
        SIGNED_IN,
    ),
    page(
        "settings/notifications/",
        lambda c: reverse("social:notification_settings"),
        per(302, anonymous=LOGIN),
        label="save",
        method="POST",
        body=lambda c: {
            "offers": "digest",
            "questions": "in_app",
            "messages": "email",
            "sales": "email",
            "moderation": "email",
            "saved_searches": "digest",
            "your_data": "email",
            "security": "email",
        },
        state=owner_email_choices,
        changes="owner",
    ),
    # "Send it again" on the page asking to confirm an address: the same answer for everyone.
    page(
        "verify-email/resend/",
        lambda c: reverse("verification_resend"),
        per(302),
        method="POST",
        body=lambda c: {"email": c["owner"].email},
    ),
    # One-click unsubscribe: the signed link is the permission, whoever follows it (no sign-in).
    page("notifications/unsubscribe/<str:token>/", owner_unsubscribe_url, PUBLIC),
    page(
        "notifications/unsubscribe/<str:token>/",
        owner_unsubscribe_url,
        PUBLIC,
        label="one-click",
        method="POST",
        state=owner_email_choices,
        changes=" ".join(VIEWERS),
    ),
    page(
        "notifications/unsubscribe/<str:token>/",
        lambda c: reverse("social:unsubscribe", args=["not-a-token"]),
        per(400),
        label="bad token",
        method="POST",
        state=owner_email_choices,
    ),
    page(
        "notifications/read/",
        lambda c: reverse("social:notifications_read"),
        per(302, anonymous=LOGIN),
        method="POST",
        state=owner_unread,
        changes="owner",
    ),
]

# --- The table: API operations ---------------------------------------------------------------

API: list[Row] = [
    # Accounts.
    api("GET /api/me/", lambda c: reverse("api-me"), SIGNED_IN_API, shows=sees(owner="bio")),
    api(
        "PATCH /api/me/",
        lambda c: reverse("api-me"),
        SIGNED_IN_API,
        body=lambda c: {"bio": "Changed"},
        state=owner_profile,
        changes="owner",
    ),
    # The photo comes as multipart; a JSON body is refused before anything is read.
    api("PUT /api/me/avatar/", lambda c: reverse("api-me-avatar"), per(415, anonymous=API_ANON)),
    api(
        "DELETE /api/me/avatar/",
        lambda c: reverse("api-me-avatar"),
        SIGNED_IN_API,
        shows=sees(owner="bio"),
    ),
    api(
        "POST /api/auth/token/",
        lambda c: reverse("api-token"),
        PUBLIC,
        body=lambda c: {"email": c["owner"].email, "password": PASSWORD},
        state=owner_token,
        changes=" ".join(VIEWERS),
    ),
    api(
        "DELETE /api/auth/token/",
        lambda c: reverse("api-token"),
        per(204, anonymous=API_ANON),
    ),
    # People.
    api(
        "GET /api/people/",
        lambda c: reverse("api-people") + "?q=Olivia",
        SIGNED_IN_API,
        shows=sees(**dict.fromkeys(all_but("anonymous", "owner", "blocked"), "owner_name")),
    ),
    api(
        "GET /api/people/suggestions/",
        lambda c: reverse("api-suggestions"),
        SIGNED_IN_API,
        shows=sees(fof="owner_name"),
    ),
    api(
        "GET /api/people/{user_id}/",
        owner_url("api-profile"),
        per(200, blocked=404),
        shows=OWNER_BIO,
    ),
    api(
        "GET /api/people/{user_id}/posts/",
        owner_url("api-person-posts"),
        per(200, blocked=404),
        shows=OWNER_POSTS,
    ),
    # Friends and requests.
    api(
        "GET /api/friends/",
        lambda c: reverse("api-friends"),
        SIGNED_IN_API,
        shows=sees(friend_a="owner_name", friend_b="owner_name"),
    ),
    api(
        "DELETE /api/friends/{user_id}/",
        owner_url("api-friend"),
        per(404, anonymous=API_ANON, friend_a=204, friend_b=204),
        state=owner_friends,
        changes="friend_a friend_b",
    ),
    api(
        "PUT /api/friends/{user_id}/circles/",
        lambda c: reverse("api-friend-circles", args=[c["friend_a"].pk]),
        per(400, anonymous=API_ANON, owner=200),
        body=lambda c: {"circles": [c["family"].pk]},
        state=friend_a_circles,
        changes="owner",
    ),
    api(
        "GET /api/friend-requests/",
        lambda c: reverse("api-friend-requests"),
        SIGNED_IN_API,
        shows=sees(owner="stranger_name", stranger="owner_name"),
    ),
    api(
        "POST /api/friend-requests/",
        lambda c: reverse("api-friend-requests"),
        per(409, anonymous=API_ANON, fof=201, moderator=201, owner=400, blocked=404),
        body=lambda c: {"to": c["owner"].pk},
        state=requests_to_owner,
        changes="fof moderator",
    ),
    *[
        api(
            f"POST /api/friend-requests/{{request_id}}/{action}/",
            lambda c, action=action: reverse(
                f"api-friend-request-{action}", args=[c["request"].pk]
            ),
            per(404, anonymous=API_ANON, **{changer: 200}),
            state=the_request,
            changes=changer,
        )
        for action, changer in (("accept", "owner"), ("decline", "owner"), ("cancel", "stranger"))
    ],
    # Blocks.
    api(
        "GET /api/blocks/",
        lambda c: reverse("api-blocks"),
        SIGNED_IN_API,
        shows=sees(blocked="owner_name"),
    ),
    api(
        "POST /api/blocks/",
        lambda c: reverse("api-blocks"),
        per(201, anonymous=API_ANON, owner=400, blocked=404),
        body=lambda c: {"user": c["owner"].pk},
        state=blocks_of_owner,
        changes="stranger fof friend_a friend_b moderator",
    ),
    api(
        "DELETE /api/blocks/{user_id}/",
        owner_url("api-block"),
        per(404, anonymous=API_ANON, blocked=204),
        state=blocks_of_owner,
        changes="blocked",
    ),
    # Circles.
    api("GET /api/circles/", lambda c: reverse("api-circles"), SIGNED_IN_API),
    api(
        "POST /api/circles/",
        lambda c: reverse("api-circles"),
        per(201, anonymous=API_ANON),
        body=lambda c: {"name": "Book club"},
        state=owner_circles,
        changes="owner",
    ),
    api(
        "PATCH /api/circles/{circle_id}/",
        lambda c: reverse("api-circle", args=[c["circle_a"].pk]),
        per(404, anonymous=API_ANON, owner=200),
        body=lambda c: {"name": "Renamed"},
        state=owner_circles,
        changes="owner",
    ),
    api(
        "DELETE /api/circles/{circle_id}/",
        lambda c: reverse("api-circle", args=[c["circle_a"].pk]),
        per(404, anonymous=API_ANON, owner=204),
        state=owner_circles,
        changes="owner",
    ),
    # Feed and posts.
    api("GET /api/feed/", lambda c: reverse("api-feed"), SIGNED_IN_API, shows=FEED),
    api(
        "POST /api/posts/",
        lambda c: reverse("api-posts"),
        per(201, anonymous=API_ANON),
        body=lambda c: {"text": "A new post"},
        state=owner_posts,
        changes="owner",
    ),
    api(
        "POST /api/posts/audience/",
        lambda c: reverse("api-posts-audience"),
        SIGNED_IN_API,
        body=lambda c: {"audience": "only_me"},
        state=owner_posts,
        changes="owner",
    ),
    *[_post_row(key, api_route=True) for key in OWNER_POST_AUDIENCES],
    api(
        "PATCH /api/posts/{post_id}/",
        lambda c: reverse("api-post", args=[c["posts"]["friends"].pk]),
        per(404, anonymous=API_ANON, owner=200),
        body=lambda c: {"text": "Edited"},
        state=owner_posts,
        changes="owner",
    ),
    api(
        "DELETE /api/posts/{post_id}/",
        lambda c: reverse("api-post", args=[c["posts"]["friends"].pk]),
        per(404, anonymous=API_ANON, owner=204),
        state=owner_posts,
        changes="owner",
    ),
    api(
        "GET /api/posts/{post_id}/comments/",
        lambda c: reverse("api-comments", args=[c["posts"]["public"].pk]),
        per(200, blocked=404),
        shows=plus(
            sees(**dict.fromkeys(all_but("blocked"), "comment_a")),
            sees(**dict.fromkeys(all_but("owner", "blocked"), "comment_b")),
        ),
    ),
    api(
        "POST /api/posts/{post_id}/comments/",
        lambda c: reverse("api-comments", args=[c["posts"]["friends"].pk]),
        per(404, anonymous=API_ANON, owner=201, friend_a=201, friend_b=201),
        body=lambda c: {"text": "Nice"},
        state=comments_on_friends_post,
        changes="owner friend_a friend_b",
    ),
    api(
        "DELETE /api/comments/{comment_id}/",
        lambda c: reverse("api-comment", args=[c["comment"].pk]),
        per(404, anonymous=API_ANON, owner=204, friend_a=204),
        state=comments_on_public_post,
        changes="owner friend_a",
    ),
    # Notifications, settings, previews.
    api("GET /api/notifications/", lambda c: reverse("api-notifications"), SIGNED_IN_API),
    api(
        "POST /api/notifications/read/",
        lambda c: reverse("api-notifications-read"),
        SIGNED_IN_API,
        body=lambda c: {},
        state=owner_unread,
        changes="owner",
    ),
    api(
        "GET /api/settings/notifications/",
        lambda c: reverse("api-notification-settings"),
        SIGNED_IN_API,
    ),
    api(
        "PATCH /api/settings/notifications/",
        lambda c: reverse("api-notification-settings"),
        SIGNED_IN_API,
        body=lambda c: {"offers": "digest"},
        state=owner_email_choices,
        changes="owner",
    ),
    api("GET /api/settings/sharing/", lambda c: reverse("api-sharing-settings"), SIGNED_IN_API),
    api(
        "PATCH /api/settings/sharing/",
        lambda c: reverse("api-sharing-settings"),
        SIGNED_IN_API,
        body=lambda c: {"findable": False},
        state=owner_settings,
        changes="owner",
    ),
    api(
        "GET /api/view-as/",
        lambda c: reverse("api-view-as") + "?as=member",
        SIGNED_IN_API,
        shows=sees(owner="public members", blocked="b_public"),
    ),
]

ROWS = PAGES + API
