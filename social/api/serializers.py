"""Shapes of the social API. Reads come from `social.selectors`, writes go to services; these
serializers only describe and validate the shape."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Interest, Profile
from config.ids import IdListField
from social.audience import Audience
from social.models import Circle, Comment, Notification, Post


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    display_name = serializers.CharField()
    avatar = serializers.SerializerMethodField()

    def get_avatar(self, person) -> str | None:
        avatar = person.profile.avatar
        if not avatar:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(avatar.url) if request else avatar.url


class SearchResultSerializer(PersonSerializer):
    is_friend = serializers.BooleanField()


class SuggestionSerializer(PersonSerializer):
    mutual_friends = serializers.IntegerField(source="mutual")


class ProfileDetailsSerializer(serializers.ModelSerializer):
    """A `Profile`'s details, for those its owner shares them with."""

    interests: serializers.RelatedField[Interest, str, str] | serializers.ManyRelatedField = (
        serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    )

    class Meta:
        model = Profile
        fields = ["bio", "home_place", "interests"]


class PendingRequestSerializer(serializers.Serializer):
    """A pending friend request between the viewer (`context["request"].user`) and someone."""

    id = serializers.IntegerField()
    direction = serializers.SerializerMethodField(help_text="sent or received")

    def get_direction(self, friend_request) -> str:
        sent = friend_request.from_user_id == self.context["request"].user.pk
        return "sent" if sent else "received"


class ProfileSerializer(serializers.Serializer):
    """A `selectors.ProfileView`: a person's profile as the viewer may see it."""

    person = PersonSerializer()
    relation = serializers.CharField(
        source="relation.value", help_text="self, friend, fof, member or anonymous"
    )
    mutual_friends = serializers.IntegerField()
    details = serializers.SerializerMethodField(
        help_text="Null when the person shares their details with others only."
    )
    friend_request = PendingRequestSerializer(allow_null=True)

    @extend_schema_field(ProfileDetailsSerializer(allow_null=True))
    def get_details(self, view) -> dict | None:
        if not view.show_details:
            return None
        return ProfileDetailsSerializer(view.person.profile, context=self.context).data


class CircleSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Circle
        fields = ["id", "name", "member_count"]


class CircleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)


class FriendSerializer(PersonSerializer):
    # Read from `circle_ids`: `User.circles` is the reverse side of `Circle.owner`.
    circles = serializers.ListField(
        child=serializers.IntegerField(), source="circle_ids", read_only=True
    )


class CircleIdsSerializer(serializers.Serializer):
    circles = IdListField(allow_empty=True)


class FriendRequestSerializer(serializers.Serializer):
    """A pending `FriendRequest`, naming the other person than the viewer
    (`context["request"].user`)."""

    id = serializers.IntegerField()
    person = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(PersonSerializer)
    def get_person(self, friend_request) -> dict:
        sent = friend_request.from_user_id == self.context["request"].user.pk
        other = friend_request.to_user if sent else friend_request.from_user
        return PersonSerializer(other, context=self.context).data


class FriendRequestListSerializer(serializers.Serializer):
    received = FriendRequestSerializer(many=True)
    sent = FriendRequestSerializer(many=True)


class FriendRequestCreateSerializer(serializers.Serializer):
    to = serializers.IntegerField(help_text="The id of the person to ask.")


class BlockCreateSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="The id of the person to block.")


class AudienceFields(serializers.Serializer):
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    circles = IdListField(
        required=False,
        help_text="Your circle ids, with the `circles` audience.",
    )


class PostSerializer(serializers.ModelSerializer):
    author = PersonSerializer()
    circles = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    comment_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Post
        fields = [
            "id",
            "author",
            "text",
            "photo",
            "audience",
            "circles",
            "tags",
            "comment_count",
            "created_at",
            "updated_at",
        ]

    def get_circles(self, post) -> list[int]:
        # Which circles a post went to is the author's business alone.
        request = self.context.get("request")
        if request is None or request.user.pk != post.author_id:
            return []
        return [circle.pk for circle in post.circles.all()]

    def get_tags(self, post) -> list[str]:
        return sorted({tag.tag for tag in post.tags.all()})


class PostCreateSerializer(AudienceFields):
    text = serializers.CharField(max_length=Post.TEXT_MAX_LENGTH, trim_whitespace=True)
    photo = serializers.FileField(required=False)


class PostUpdateSerializer(AudienceFields):
    text = serializers.CharField(max_length=Post.TEXT_MAX_LENGTH, required=False)


class BulkAudienceSerializer(AudienceFields):
    audience = serializers.ChoiceField(choices=Audience.choices)
    since = serializers.DateField(required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)


class BulkAudienceResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()


class FeedSerializer(serializers.Serializer):
    results = PostSerializer(many=True)
    next_before = serializers.IntegerField(
        allow_null=True, help_text="Pass as `before` for the next page; null on the last page."
    )


class CommentSerializer(serializers.ModelSerializer):
    author = PersonSerializer()

    class Meta:
        model = Comment
        fields = ["id", "post", "author", "text", "created_at"]


class CommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=Comment.TEXT_MAX_LENGTH)


class NotificationSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(allow_null=True)
    unread = serializers.BooleanField(source="is_unread")

    class Meta:
        model = Notification
        fields = ["id", "kind", "actor", "text", "url", "created_at", "unread"]


class NotificationListSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()
    results = NotificationSerializer(many=True)


class MarkReadSerializer(serializers.Serializer):
    ids = IdListField(required=False, help_text="Omit to mark all read.")


class CircleIdsField(IdListField):
    """Circle ids in; a many-to-many of circles out, as their sorted ids."""

    def to_representation(self, circles) -> list[int]:
        return sorted(circle.pk for circle in circles.all())


class SharingSettingsSerializer(serializers.Serializer):
    """Reads `SocialSettings`; takes what `social_settings_update` takes."""

    details_audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    details_circles = CircleIdsField(required=False)
    findable = serializers.BooleanField(required=False)


class PreviewSerializer(serializers.Serializer):
    # A declared field (DRF takes it off the class); the stubs read it as `Field.label`.
    label = serializers.CharField()  # type: ignore[assignment]
    show_details = serializers.BooleanField()
    posts = PostSerializer(many=True)
