"""The account, its sign-in methods and API tokens: exported and erased."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from rest_framework.authtoken.models import Token, TokenProxy

from accounts.models import Profile, User
from privacy.personal_data._common import when
from privacy.registry import Erasure, ExportFile, ExportRow, personal_data
from privacy.services.erasure import sessions_of

# accounts ---------------------------------------------------------------------------------------


def export_account(user: User) -> list[ExportRow]:
    profile = Profile.objects.filter(user=user).prefetch_related("interests").first()
    row: ExportRow = {
        "email": user.email,
        "date_joined": when(user.date_joined),
        "last_login": when(user.last_login),
        "is_active": user.is_active,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        # Where the account is signed in now (the session keys are secrets: never exported).
        "sessions": [
            {"expires_at": when(expires)}
            for _, expires in sorted(sessions_of(user), key=lambda session: session[1])
        ],
    }
    if profile is not None:
        row.update(
            {
                "display_name": profile.display_name,
                "bio": profile.bio,
                "avatar": f"files/{profile.avatar.name}" if profile.avatar else None,
                "home_place": profile.home_place,
                "home_latitude": (
                    str(profile.home_latitude) if profile.home_latitude is not None else None
                ),
                "home_longitude": (
                    str(profile.home_longitude) if profile.home_longitude is not None else None
                ),
                "interests": [interest.name for interest in profile.interests.all()],
                "updated_at": when(profile.updated_at),
            }
        )
    return [row]


def account_files(user: User) -> list[ExportFile]:
    profile = Profile.objects.filter(user=user).first()
    if profile is None or not profile.avatar:
        return []
    return [(f"files/{profile.avatar.name}", profile.avatar)]


personal_data(
    Profile,
    "user",
    kind="account",
    export=export_account,
    files=account_files,
    erasure=Erasure.DELETE,
    why="The profile, its avatar and interests go with the person.",
)
personal_data(
    User,
    "groups",
    kind="account_groups",
    not_exported="Listed in account.json as “groups”.",
    erasure=Erasure.DELETE,
    why="Group memberships go with the account.",
)
personal_data(
    User,
    "user_permissions",
    kind="account_permissions",
    not_exported="Staff permissions are an internal setting of the site, not the person's data.",
    erasure=Erasure.DELETE,
    why="Permissions go with the account.",
)


# allauth and the API --------------------------------------------------------------------------


def export_email_addresses(user: User) -> list[ExportRow]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    ]


def export_social_accounts(user: User) -> list[ExportRow]:
    # Only metadata: the provider's tokens live in SocialToken and never leave the site.
    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "date_joined": when(account.date_joined),
            "last_login": when(account.last_login),
        }
        for account in SocialAccount.objects.filter(user=user).order_by("date_joined")
    ]


def export_authenticators(user: User) -> list[ExportRow]:
    # `data` holds the secrets (TOTP seed, recovery codes, WebAuthn keys): never exported.
    return [
        {
            "type": authenticator.type,
            "created_at": when(authenticator.created_at),
            "last_used_at": when(authenticator.last_used_at),
        }
        for authenticator in Authenticator.objects.filter(user=user).order_by("created_at")
    ]


personal_data(
    EmailAddress,
    "user",
    kind="email_addresses",
    export=export_email_addresses,
    erasure=Erasure.DELETE,
    why="Addresses go with the account.",
)
personal_data(
    SocialAccount,
    "user",
    kind="social_logins",
    export=export_social_accounts,
    erasure=Erasure.DELETE,
    why="Social logins and their tokens go with the account.",
)
personal_data(
    Authenticator,
    "user",
    kind="two_factor",
    export=export_authenticators,
    erasure=Erasure.DELETE,
    why="Second factors go with the account.",
)
personal_data(
    Token,
    "user",
    kind="api_token",
    not_exported="An API token is a secret; an export file must not be a way to steal it.",
    erasure=Erasure.DELETE,
    why="The token goes with the account.",
)
personal_data(
    TokenProxy,
    "user",
    kind="api_token_admin",
    not_exported="The admin's view of the API token (a secret).",
    erasure=Erasure.DELETE,
    why="Same rows as the API token.",
)
personal_data(
    LogEntry,
    "user",
    kind="admin_log",
    not_exported="Staff actions in the admin concern other people's objects, not the staff "
    "member's own data.",
    erasure=Erasure.DELETE,
    why="Django's admin log cannot outlive its author (its link to them is required); staff "
    "actions are also in the audit log, which keeps them under a pseudonym.",
)
