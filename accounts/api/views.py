from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import has_verified_email
from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    AvatarSerializer,
    MeSerializer,
    TokenObtainSerializer,
    TokenSerializer,
)
from accounts.models import Profile, User
from accounts.selectors import profile_for
from config.errors import DomainError, NotAllowed
from config.parsers import JSONParser
from config.throttling import AnonRateThrottle, UserRateThrottle


def _me(request) -> Profile:
    """The signed-in person's profile, as `MeSerializer` reads it."""
    profile = profile_for(request.user)
    profile.user = request.user  # the account is loaded already: no second query for it
    return profile


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

    # The answer is the profile without its photo (200), not an empty 204: say so in the schema.
    @extend_schema(request=None, responses={200: MeSerializer}, operation_id="me_avatar_remove")
    def delete(self, request):
        services.profile_update(user=request.user, remove_avatar=True)
        return Response(MeSerializer(_me(request), context={"request": request}).data)


TOO_MANY_ATTEMPTS = "Too many failed sign-in attempts. Wait a few minutes, then try again."


def _user_for_token(request, *, email: str, password: str, code: str) -> User:
    """The person these credentials prove, or an error that reveals nothing more than needed.

    The password is checked through allauth's account adapter, so failed attempts count against
    the same `login_failed` rate limit (kept in the cache) as the sign-in page, per address and
    per IP. Only once the password is right does the answer say more: an unconfirmed address, or
    a missing or wrong two-factor code. Wrong codes count against the same limit as allauth's own
    two-factor step.
    """
    try:
        user = get_account_adapter(request).authenticate(
            request, email=email.strip().lower(), password=password
        )
    except DjangoValidationError as error:
        if error.code == "too_many_login_attempts":
            raise exceptions.Throttled(detail=TOO_MANY_ATTEMPTS) from None
        raise
    if user is None:
        raise DomainError(
            "The email address and password do not match an account.", code="invalid_credentials"
        )
    if not user.is_active:
        # allauth hands back a deactivated account so its pages can say so; no token for it.
        raise NotAllowed("This account is deactivated.", code="account_inactive")
    if not has_verified_email(user):
        raise NotAllowed(
            "Confirm your email address first: follow the link in the email we sent you.",
            code="email_unverified",
        )
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        if not code:
            raise DomainError(
                "Two-factor authentication is on for this account: send the current code "
                "from your authenticator app as `code`.",
                code="mfa_required",
            )
        mfa_key = f"mfa-auth-user-{user.pk}"  # allauth's own key for its two-factor step
        if not ratelimit.consume(request, action="login_failed", key=mfa_key):
            raise exceptions.Throttled(detail=TOO_MANY_ATTEMPTS)
        if not TOTP(totp).validate_code(code.strip()):
            raise DomainError("This code is not valid. Try the current one.", code="mfa_invalid")
        ratelimit.clear(request, action="login_failed", key=mfa_key)
        totp.record_usage()
    return user


class TokenView(APIView):
    """Exchange email and password (and the two-factor code when on) for an API token (POST), or
    revoke the token in use (DELETE).

    Send the token as `Authorization: Token <token>`. One token per person: asking again returns
    the same token until it is revoked.
    """

    throttle_classes = [AnonRateThrottle, UserRateThrottle]

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                description="Wrong email or password (`invalid_credentials`, the same answer "
                "for an unknown address), or a two-factor code missing (`mfa_required`) or "
                "wrong (`mfa_invalid`)."
            ),
            403: OpenApiResponse(
                description="The email address is not confirmed yet (`email_unverified`), or "
                "the account is deactivated (`account_inactive`)."
            ),
            429: OpenApiResponse(description="Too many failed attempts; wait and try again."),
        },
        auth=[],
        operation_id="auth_token_obtain",
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = _user_for_token(
            request, email=data["email"], password=data["password"], code=data.get("code", "")
        )
        token = services.api_token_issue(user=user)
        return Response(TokenSerializer(token).data)

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_revoke")
    def delete(self, request):
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
