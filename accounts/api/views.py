from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import AvatarSerializer, MeSerializer
from accounts.selectors import profile_for


def _me(request) -> dict:
    profile = profile_for(request.user)
    return {
        "id": request.user.pk,
        "email": request.user.email,
        "display_name": profile.display_name,
        "bio": profile.bio,
        "home_place": profile.home_place,
        "home_latitude": profile.home_latitude,
        "home_longitude": profile.home_longitude,
        "interests": list(profile.interests.all()),
        "avatar": profile.avatar or None,
        "date_joined": request.user.date_joined,
    }


class MeView(APIView):
    """The signed-in person's own account and profile."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(responses=MeSerializer, operation_id="me_read")
    def get(self, request):
        return Response(MeSerializer(_me(request), context={"request": request}).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer, operation_id="me_update")
    def patch(self, request):
        serializer = MeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.profile_update(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(_me(request), context={"request": request}).data)


class MeAvatarView(APIView):
    """Upload (PUT) or remove (DELETE) the signed-in person's photo."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=AvatarSerializer, responses=MeSerializer, operation_id="me_avatar_set")
    def put(self, request):
        serializer = AvatarSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.profile_update(user=request.user, avatar=serializer.validated_data["avatar"])
        return Response(MeSerializer(_me(request), context={"request": request}).data)

    @extend_schema(request=None, responses=MeSerializer, operation_id="me_avatar_remove")
    def delete(self, request):
        services.profile_update(user=request.user, remove_avatar=True)
        return Response(MeSerializer(_me(request), context={"request": request}).data)
