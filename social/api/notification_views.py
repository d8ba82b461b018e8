"""Notification choices through the API: the same registry and service as the settings page."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from social.notification_kinds import GROUPS, Channel
from social.services.notification_preferences import channels_for, notification_preference_set


class NotificationGroupOut(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    choices = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))


# One optional choice per group, named by its key: {"offers": "digest", "messages": "email"}.
NotificationChoicesIn = type(
    "NotificationChoicesIn",
    (serializers.Serializer,),
    {
        group.key: serializers.ChoiceField(
            choices=Channel.choices, required=False, help_text=group.label
        )
        for group in GROUPS
    },
)


def _groups(user) -> list[dict]:
    chosen = channels_for(user)
    return [
        {
            "key": group.key,
            "name": group.label,
            "channel": chosen[group.key],
            "choices": list(group.choices),
        }
        for group in GROUPS
    ]


class NotificationSettingsView(APIView):
    @extend_schema(
        responses=NotificationGroupOut(many=True), operation_id="notification_settings_read"
    )
    def get(self, request):
        """How each group of notices reaches you: in the app only, by email, or a daily digest."""
        return Response(NotificationGroupOut(_groups(request.user), many=True).data)

    @extend_schema(
        request=NotificationChoicesIn,
        responses=NotificationGroupOut(many=True),
        operation_id="notification_settings_update",
    )
    def patch(self, request):
        """Change the groups named; account security can only be emailed."""
        body = NotificationChoicesIn(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            for group, channel in body.validated_data.items():
                notification_preference_set(user=request.user, group=group, channel=channel)
        return Response(NotificationGroupOut(_groups(request.user), many=True).data)
