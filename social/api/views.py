"""The social API: the same selectors and services as the pages, as JSON.

Errors come back in the one error body (`config.api`); a rule that says no is a 4xx with the
service's message. Profile and posts can be read anonymously where their audience allows.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from config.errors import NotFound
from config.parsers import JSONParser
from social import selectors
from social.api import serializers as s
from social.models import Post
from social.services import blocks, circles, friends, notifications, posts
from social.services.settings import social_settings_for, social_settings_update


class PeopleSearchView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Part of a display name.")],
        responses=s.SearchResultSerializer(many=True),
        operation_id="people_search",
    )
    def get(self, request):
        """Find signed-in people by name; people who opted out are never found."""
        results = selectors.people_search(request.user, request.query_params.get("q", "")[:80])
        return Response(
            s.SearchResultSerializer(results, many=True, context={"request": request}).data
        )


class SuggestionsView(APIView):
    @extend_schema(responses=s.SuggestionSerializer(many=True), operation_id="people_suggestions")
    def get(self, request):
        """People you may know: friends of friends, most mutual friends first."""
        people = selectors.suggestions_for(request.user)
        return Response(
            s.SuggestionSerializer(people, many=True, context={"request": request}).data
        )


class ProfileView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.ProfileSerializer, operation_id="people_profile")
    def get(self, request, user_id: int):
        """A person's profile as the viewer may see it (details only within their audience)."""
        view = selectors.profile_view(request.user, selectors.access_person(request.user, user_id))
        return Response(s.ProfileSerializer(view, context={"request": request}).data)


class PersonPostsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.PostSerializer(many=True), operation_id="people_posts")
    def get(self, request, user_id: int):
        """A person's posts that the viewer may see, newest first (the 50 latest)."""
        person = selectors.access_person(request.user, user_id)
        rows = selectors.posts_by(request.user, person)[:50]
        return Response(s.PostSerializer(rows, many=True, context={"request": request}).data)


class FriendsView(APIView):
    @extend_schema(responses=s.FriendSerializer(many=True), operation_id="friends_list")
    def get(self, request):
        """Your friends, closest first, each with which of your circles they are in."""
        rows = []
        for friend in selectors.friends_with_circles(request.user):
            friend.circle_ids = sorted(m.circle_id for m in friend.owner_memberships)
            rows.append(friend)
        return Response(s.FriendSerializer(rows, many=True, context={"request": request}).data)


class FriendView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="friends_remove")
    def delete(self, request, user_id: int):
        """Unfriend: both directions go, and each leaves the other's circles."""
        friends.friendship_remove(
            user=request.user, friend=selectors.access_person(request.user, user_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class FriendCirclesView(APIView):
    @extend_schema(
        request=s.CircleIdsSerializer,
        responses=s.CircleIdsSerializer,
        operation_id="friends_circles_set",
    )
    def put(self, request, user_id: int):
        """Put a friend in exactly these circles of yours. They are never told."""
        body = s.CircleIdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        chosen = circles.circle_memberships_set(
            owner=request.user,
            friend=selectors.access_person(request.user, user_id),
            circle_ids=body.validated_data["circles"],
        )
        return Response({"circles": sorted(circle.pk for circle in chosen)})


class FriendRequestsView(APIView):
    @extend_schema(responses=s.FriendRequestListSerializer, operation_id="friend_requests_list")
    def get(self, request):
        """Pending requests you received and sent."""
        received, sent = selectors.friend_requests_for(request.user)
        data = {"received": received, "sent": sent}
        return Response(s.FriendRequestListSerializer(data, context={"request": request}).data)

    @extend_schema(
        request=s.FriendRequestCreateSerializer,
        responses={201: s.FriendRequestSerializer},
        operation_id="friend_requests_send",
    )
    def post(self, request):
        """Ask someone to be friends."""
        body = s.FriendRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = selectors.person_for(request.user, body.validated_data["to"])
        if person is None:
            raise NotFound("No such person.", code="no_person")
        sent = friends.friend_request_send(sender=request.user, recipient=person)
        data = s.FriendRequestSerializer(sent, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class FriendRequestActionView(APIView):
    action = ""
    services = {
        "accept": friends.friend_request_accept,
        "decline": friends.friend_request_decline,
        "cancel": friends.friend_request_cancel,
    }

    @extend_schema(request=None, responses={200: None})
    def post(self, request, request_id: int):
        """Accept or decline a request you received, or cancel one you sent."""
        done = self.services[self.action](user=request.user, request_id=request_id)
        return Response({"id": done.pk, "status": done.status})


class BlocksView(APIView):
    @extend_schema(responses=s.PersonSerializer(many=True), operation_id="blocks_list")
    def get(self, request):
        """The people you blocked."""
        people = selectors.blocked_by(request.user)
        return Response(s.PersonSerializer(people, many=True, context={"request": request}).data)

    @extend_schema(
        request=s.BlockCreateSerializer, responses={201: None}, operation_id="blocks_create"
    )
    def post(self, request):
        """Block someone: friendship and requests go, and neither sees the other anywhere."""
        body = s.BlockCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = selectors.person_for(request.user, body.validated_data["user"])
        if person is None:
            raise NotFound("No such person.", code="no_person")
        blocks.block_create(blocker=request.user, blocked=person)
        return Response({"blocked": person.pk}, status=status.HTTP_201_CREATED)


class BlockView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="blocks_remove")
    def delete(self, request, user_id: int):
        """Unblock. Nothing the block removed comes back by itself."""
        person = User.objects.filter(pk=user_id).first()
        if person is None:
            raise NotFound("You have not blocked this person.", code="not_blocked")
        blocks.block_remove(blocker=request.user, blocked=person)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CirclesView(APIView):
    @extend_schema(responses=s.CircleSerializer(many=True), operation_id="circles_list")
    def get(self, request):
        """Your circles with how many friends are in each."""
        return Response(s.CircleSerializer(selectors.circles_of(request.user), many=True).data)

    @extend_schema(
        request=s.CircleWriteSerializer,
        responses={201: s.CircleSerializer},
        operation_id="circles_create",
    )
    def post(self, request):
        body = s.CircleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        circle = circles.circle_create(owner=request.user, name=body.validated_data["name"])
        return Response(s.CircleSerializer(circle).data, status=status.HTTP_201_CREATED)


class CircleView(APIView):
    @extend_schema(
        request=s.CircleWriteSerializer, responses=s.CircleSerializer, operation_id="circles_rename"
    )
    def patch(self, request, circle_id: int):
        body = s.CircleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        circle = circles.circle_rename(
            owner=request.user, circle_id=circle_id, name=body.validated_data["name"]
        )
        return Response(s.CircleSerializer(circle).data)

    @extend_schema(request=None, responses={204: None}, operation_id="circles_delete")
    def delete(self, request, circle_id: int):
        circles.circle_delete(owner=request.user, circle_id=circle_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("before", int, description="`next_before` of the previous page.")
        ],
        responses=s.FeedSerializer,
        operation_id="feed",
    )
    def get(self, request):
        """Your posts and your friends' that you may see, newest first, 20 a page."""
        cursor = request.query_params.get("before", "")
        before = Post.objects.filter(pk=cursor).first() if cursor.isdigit() else None
        page = selectors.feed_for(request.user, before=before)
        next_before = page[-1].pk if len(page) == selectors.FEED_PAGE_SIZE else None
        data = {"results": page, "next_before": next_before}
        return Response(s.FeedSerializer(data, context={"request": request}).data)


class PostsView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=s.PostCreateSerializer,
        responses={201: s.PostSerializer},
        operation_id="posts_create",
    )
    def post(self, request):
        """Write a post (friends see it unless you choose another audience)."""
        body = s.PostCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        post = posts.post_create(
            author=request.user,
            text=data["text"],
            audience=data.get("audience"),
            circle_ids=data.get("circles", []),
            photo=data.get("photo"),
        )
        post = selectors.post_for(request.user, post.pk)
        return Response(
            s.PostSerializer(post, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class PostView(APIView):
    permission_classes = [AllowAny]

    def _visible(self, request, post_id) -> Post:
        post = selectors.post_for(request.user, post_id)
        if post is None:
            raise NotFound("This post does not exist or you can't see it.", code="no_post")
        return post

    def _own(self, request) -> None:
        if not request.user.is_authenticated:
            self.permission_denied(request)

    @extend_schema(responses=s.PostSerializer, operation_id="posts_read")
    def get(self, request, post_id: int):
        return Response(
            s.PostSerializer(self._visible(request, post_id), context={"request": request}).data
        )

    @extend_schema(
        request=s.PostUpdateSerializer, responses=s.PostSerializer, operation_id="posts_update"
    )
    def patch(self, request, post_id: int):
        """Edit your post's text or audience."""
        self._own(request)
        body = s.PostUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        posts.post_update(
            author=request.user,
            post_id=post_id,
            text=data.get("text"),
            audience=data.get("audience"),
            circle_ids=data.get("circles"),
        )
        return Response(
            s.PostSerializer(self._visible(request, post_id), context={"request": request}).data
        )

    @extend_schema(request=None, responses={204: None}, operation_id="posts_delete")
    def delete(self, request, post_id: int):
        self._own(request)
        posts.post_delete(author=request.user, post_id=post_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BulkAudienceView(APIView):
    @extend_schema(
        request=s.BulkAudienceSerializer,
        responses=s.BulkAudienceResultSerializer,
        operation_id="posts_audience_bulk",
    )
    def post(self, request):
        """Move all your posts, or those written between two days, to another audience."""
        body = s.BulkAudienceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        changed = posts.posts_change_audience(
            author=request.user,
            audience=data["audience"],
            circle_ids=data.get("circles", []),
            since=data.get("since"),
            until=data.get("until"),
        )
        return Response({"changed": changed})


class CommentsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.CommentSerializer(many=True), operation_id="comments_list")
    def get(self, request, post_id: int):
        post = selectors.post_for(request.user, post_id)
        if post is None:
            raise NotFound("This post does not exist or you can't see it.", code="no_post")
        rows = selectors.comments_on(request.user, post)
        return Response(s.CommentSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer},
        operation_id="comments_create",
    )
    def post(self, request, post_id: int):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        body = s.CommentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = posts.comment_create(
            author=request.user, post_id=post_id, text=body.validated_data["text"]
        )
        return Response(
            s.CommentSerializer(comment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CommentView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="comments_delete")
    def delete(self, request, comment_id: int):
        """Delete your comment, or a comment on your post."""
        posts.comment_delete(user=request.user, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationsView(APIView):
    @extend_schema(responses=s.NotificationListSerializer, operation_id="notifications_list")
    def get(self, request):
        """Your latest 50 notifications and the unread count."""
        rows = selectors.notifications_for(request.user)
        data = {"unread_count": selectors.unread_count(request.user), "results": rows[:50]}
        return Response(s.NotificationListSerializer(data, context={"request": request}).data)


class NotificationsReadView(APIView):
    @extend_schema(
        request=s.MarkReadSerializer, responses={200: None}, operation_id="notifications_read"
    )
    def post(self, request):
        """Mark notifications read: those `ids`, or all of them."""
        body = s.MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = notifications.notifications_mark_read(
            user=request.user, ids=body.validated_data.get("ids")
        )
        return Response({"marked": changed})


class SharingSettingsView(APIView):
    @extend_schema(responses=s.SharingSettingsSerializer, operation_id="sharing_settings_read")
    def get(self, request):
        """Who sees your profile details, and whether people search finds you."""
        return Response(s.SharingSettingsSerializer(social_settings_for(request.user)).data)

    @extend_schema(
        request=s.SharingSettingsSerializer,
        responses=s.SharingSettingsSerializer,
        operation_id="sharing_settings_update",
    )
    def patch(self, request):
        body = s.SharingSettingsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        audience = data.get("details_audience")
        if audience is None and "details_circles" in data:
            # Circles alone change the circles of the current audience.
            audience = social_settings_for(request.user).details_audience
        updated = social_settings_update(
            user=request.user,
            details_audience=audience,
            details_circle_ids=data.get("details_circles", []),
            findable=data.get("findable"),
        )
        return Response(s.SharingSettingsSerializer(updated).data)


class PreviewView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("as", str, enum=list(selectors.PREVIEW_CHOICES)),
            OpenApiParameter("circle", int, description="With as=circle: one of your circles."),
            OpenApiParameter("person", int, description="With as=friend: one of your friends."),
        ],
        responses=s.PreviewSerializer,
        operation_id="view_as",
    )
    def get(self, request):
        """Your profile details and posts as someone else would see them."""
        params = request.query_params
        preview = selectors.preview_for(
            request.user,
            params.get("as", ""),
            circle_id=params.get("circle"),
            person_id=params.get("person"),
        )
        data = {
            "label": preview.label,
            "show_details": preview.show_details,
            "posts": preview.posts[:50],
        }
        return Response(s.PreviewSerializer(data, context={"request": request}).data)
