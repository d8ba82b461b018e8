from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.images import clean_image
from accounts.models import Interest, Profile, round_coordinate


class InterestSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interest
        fields = ["slug", "name"]


class MeSerializer(serializers.Serializer):
    """The signed-in person's own account and profile: reads a `Profile`, takes the profile's
    fields."""

    id = serializers.IntegerField(source="user.pk", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    bio = serializers.CharField(
        max_length=Profile.BIO_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=True
    )
    home_place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    # Any precision is accepted and rounded: a phone's 48.8566134 is welcome, 48.86 is stored.
    home_latitude = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        help_text="Rounded to about 1 km before it is stored.",
    )
    home_longitude = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
    )
    interests = serializers.SlugRelatedField(
        slug_field="slug", queryset=Interest.objects.all(), many=True, required=False
    )
    avatar = serializers.ImageField(read_only=True, allow_null=True)
    date_joined = serializers.DateTimeField(source="user.date_joined", read_only=True)

    def validate_home_latitude(self, value):
        return round_coordinate(value)

    def validate_home_longitude(self, value):
        return round_coordinate(value)

    def validate(self, attrs):
        has_lat, has_lng = "home_latitude" in attrs, "home_longitude" in attrs
        if has_lat != has_lng or (
            has_lat and (attrs["home_latitude"] is None) != (attrs["home_longitude"] is None)
        ):
            raise serializers.ValidationError(
                "Give both home_latitude and home_longitude, or neither."
            )
        return attrs


class AvatarSerializer(serializers.Serializer):
    avatar = serializers.FileField(help_text="JPEG, PNG, WebP or GIF, up to 10 MB.")

    def validate_avatar(self, upload):
        try:
            clean_image(upload, max_side=512, name="avatar")
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        upload.seek(0)
        return upload


class TokenObtainSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="The current code from the authenticator app, when two-factor is on.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", read_only=True)
