"""Where a person's data lives, what of it they get in an export, and what erasure does to it.

One `personal_data(...)` per (model, field) that points at a person; `privacy/tests/
test_registry.py` fails when a link in `privacy.registry.links_to_people()` is missing here.
Imported from `PrivacyConfig.ready()`.

An export holds what its owner could see anyway: their own rows, and of other people only the
display name they already see (never an email address, never who blocked them or which circles
others put them in). What others wrote is exported as the pages show it to the owner (the same
selectors): a comment under the owner's post by someone blocked either way is left out. Rows that
would name someone who blocked the owner are left out, as the pages hide them: the block shuts
the owner out of that person entirely; where the row holds the owner's own words (a comment on
that person's post), those stay and nothing of the other person does. Secrets (API tokens,
session keys, MFA keys, provider tokens) are never exported.

Rows that stay after an erasure say why and for how long (`why`, `retention`); the deletion page
and docs/privacy-retention.md list them.
"""

from __future__ import annotations

from datetime import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from django.db.models import Q
from rest_framework.authtoken.models import Token, TokenProxy

from accounts.models import Profile, User
from privacy.models import (
    AuditEvent,
    ConsentRecord,
    ConsentState,
    ErasureRequest,
    ExportRequest,
    PrivacyBudget,
    Release,
    UsageCount,
)
from privacy.registry import Erasure, personal_data
from privacy.services.erasure import sessions_of
from social.models import (
    Block,
    Circle,
    CircleMembership,
    Comment,
    FriendRequest,
    Friendship,
    Notification,
    Post,
    PostTag,
    SocialSettings,
)
from social.selectors import comments_under_posts_of


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user: User | None) -> str | None:
    """How another person appears to the owner: their display name, never their email."""
    return user.display_name if user is not None else None


def _blockers_of(user: User):
    """The people who blocked `user` (a subquery): the export never names them."""
    return Block.objects.filter(blocked=user).values("blocker_id")


# accounts ---------------------------------------------------------------------------------------


def export_account(user: User) -> list[dict]:
    profile = Profile.objects.filter(user=user).prefetch_related("interests").first()
    row: dict = {
        "email": user.email,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "is_active": user.is_active,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        # Where the account is signed in now (the session keys are secrets: never exported).
        "sessions": [
            {"expires_at": _when(expires)}
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
                "updated_at": _when(profile.updated_at),
            }
        )
    return [row]


def account_files(user: User) -> list[tuple[str, object]]:
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


def export_email_addresses(user: User) -> list[dict]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    ]


def export_social_accounts(user: User) -> list[dict]:
    # Only metadata: the provider's tokens live in SocialToken and never leave the site.
    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "date_joined": _when(account.date_joined),
            "last_login": _when(account.last_login),
        }
        for account in SocialAccount.objects.filter(user=user).order_by("date_joined")
    ]


def export_authenticators(user: User) -> list[dict]:
    # `data` holds the secrets (TOTP seed, recovery codes, WebAuthn keys): never exported.
    return [
        {
            "type": authenticator.type,
            "created_at": _when(authenticator.created_at),
            "last_used_at": _when(authenticator.last_used_at),
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


# social -----------------------------------------------------------------------------------------


def export_friend_requests_sent(user: User) -> list[dict]:
    return [
        {
            "to": _name(request.to_user),
            "status": request.status,
            "created_at": _when(request.created_at),
            "responded_at": _when(request.responded_at),
        }
        for request in FriendRequest.objects.filter(from_user=user)
        .exclude(to_user__in=_blockers_of(user))
        .select_related("to_user__profile")
        .order_by("created_at", "id")
    ]


def export_friend_requests_received(user: User) -> list[dict]:
    return [
        {
            "from": _name(request.from_user),
            "status": request.status,
            "created_at": _when(request.created_at),
            "responded_at": _when(request.responded_at),
        }
        for request in FriendRequest.objects.filter(to_user=user)
        .exclude(from_user__in=_blockers_of(user))
        .select_related("from_user__profile")
        .order_by("created_at", "id")
    ]


def export_friends(user: User) -> list[dict]:
    return [
        {
            "friend": _name(friendship.friend),
            "tie_strength": friendship.tie_strength,
            "since": _when(friendship.created_at),
        }
        for friendship in Friendship.objects.filter(user=user)
        .select_related("friend__profile")
        .order_by("created_at", "id")
    ]


def export_blocks(user: User) -> list[dict]:
    return [
        {"blocked": _name(block.blocked), "since": _when(block.created_at)}
        for block in Block.objects.filter(blocker=user)
        .select_related("blocked__profile")
        .order_by("created_at", "id")
    ]


def export_circles(user: User) -> list[dict]:
    circles = Circle.objects.filter(owner=user).order_by("created_at", "id")
    memberships = (
        CircleMembership.objects.filter(circle__owner=user)
        .select_related("member__profile")
        .order_by("created_at", "id")
    )
    members: dict[int, list[dict]] = {}
    for membership in memberships:
        members.setdefault(membership.circle_id, []).append(
            {"member": _name(membership.member), "added_at": _when(membership.created_at)}
        )
    return [
        {
            "name": circle.name,
            "created_at": _when(circle.created_at),
            "members": members.get(circle.pk, []),
        }
        for circle in circles
    ]


def export_social_settings(user: User) -> list[dict]:
    return [
        {
            "details_audience": settings_row.details_audience,
            "details_circles": [circle.name for circle in settings_row.details_circles.all()],
            "findable": settings_row.findable,
        }
        for settings_row in SocialSettings.objects.filter(user=user).prefetch_related(
            "details_circles"
        )
    ]


def export_posts(user: User) -> list[dict]:
    """The person's posts, each with the comments under it as its author sees them there."""
    posts = (
        Post.objects.filter(author=user)
        .prefetch_related("circles", "tags")
        .order_by("created_at", "id")
    )
    comments: dict[int, list[dict]] = {}
    for comment in comments_under_posts_of(user):
        comments.setdefault(comment.post_id, []).append(
            {
                "by": "you" if comment.author_id == user.pk else _name(comment.author),
                "text": comment.text,
                "created_at": _when(comment.created_at),
            }
        )
    return [
        {
            "id": post.pk,
            "text": post.text,
            "photo": f"files/{post.photo.name}" if post.photo else None,
            "audience": post.audience,
            "circles": [circle.name for circle in post.circles.all()],
            "tags": [str(tag) for tag in post.tags.all()],
            "created_at": _when(post.created_at),
            "updated_at": _when(post.updated_at),
            "comments": comments.get(post.pk, []),
        }
        for post in posts
    ]


def post_files(user: User) -> list[tuple[str, object]]:
    return [
        (f"files/{post.photo.name}", post.photo)
        for post in Post.objects.filter(author=user).exclude(photo="").order_by("id")
    ]


def export_comments(user: User) -> list[dict]:
    """The person's comments. Under the post of someone who blocked them, only their own words:
    neither the post nor its author."""
    blockers = set(_blockers_of(user).values_list("blocker_id", flat=True))
    rows = []
    for comment in (
        Comment.objects.filter(author=user)
        .select_related("post__author__profile")
        .order_by("created_at", "id")
    ):
        shut_out = comment.post.author_id in blockers
        rows.append(
            {
                "post_id": None if shut_out else comment.post_id,
                "post_author": None if shut_out else _name(comment.post.author),
                "text": comment.text,
                "created_at": _when(comment.created_at),
            }
        )
    return rows


def export_notifications(user: User) -> list[dict]:
    return [
        {
            "kind": notification.kind,
            "text": notification.text,
            "from": _name(notification.actor),
            "url": notification.url,
            "created_at": _when(notification.created_at),
            "read_at": _when(notification.read_at),
        }
        for notification in Notification.objects.filter(recipient=user)
        .exclude(Q(actor__in=_blockers_of(user)) | Q(about__in=_blockers_of(user)))
        .select_related("actor__profile")
        .order_by("created_at", "id")
    ]


personal_data(
    FriendRequest,
    "from_user",
    kind="friend_requests_sent",
    export=export_friend_requests_sent,
    erasure=Erasure.DELETE,
    why="A request needs both people.",
)
personal_data(
    FriendRequest,
    "to_user",
    kind="friend_requests_received",
    export=export_friend_requests_received,
    erasure=Erasure.DELETE,
    why="A request needs both people.",
)
personal_data(
    Friendship,
    "user",
    kind="friends",
    export=export_friends,
    erasure=Erasure.DELETE,
    why="A friendship needs both people; both directed rows go.",
)
personal_data(
    Friendship,
    "friend",
    kind="friends_mirror",
    not_exported="The other direction of each friendship, already listed in friends.json.",
    erasure=Erasure.DELETE,
    why="A friendship needs both people; both directed rows go.",
)
personal_data(
    Block,
    "blocker",
    kind="blocks",
    export=export_blocks,
    erasure=Erasure.DELETE,
    why="A block protects the person who made it; it goes with them.",
)
personal_data(
    Block,
    "blocked",
    kind="blocked_by",
    not_exported="Who blocked you is their decision and theirs to know.",
    erasure=Erasure.DELETE,
    why="Nothing is left to block.",
)
personal_data(
    Circle,
    "owner",
    kind="circles",
    export=export_circles,
    erasure=Erasure.DELETE,
    why="Circles are private to their owner and go with them.",
)
personal_data(
    Circle,
    "members",
    kind="circles_you_are_in",
    not_exported="Which circles others put you in is private to them.",
    erasure=Erasure.DELETE,
    why="The memberships go; the circles stay with their owners.",
)
personal_data(
    CircleMembership,
    "member",
    kind="circle_memberships",
    not_exported="Which circles others put you in is private to them.",
    erasure=Erasure.DELETE,
    why="The memberships go; the circles stay with their owners.",
)
personal_data(
    SocialSettings,
    "user",
    kind="social_settings",
    export=export_social_settings,
    erasure=Erasure.DELETE,
    why="Settings go with the person.",
)
personal_data(
    Post,
    "author",
    kind="posts",
    export=export_posts,
    files=post_files,
    erasure=Erasure.DELETE,
    why="Posts, their photos, and the comments on them go with their author.",
)
personal_data(
    PostTag,
    "author",
    kind="post_tags",
    not_exported="The topics of your posts, listed with each post in posts.json.",
    erasure=Erasure.DELETE,
    why="A tag belongs to its post and goes with it and its author.",
)
personal_data(
    Comment,
    "author",
    kind="comments",
    export=export_comments,
    erasure=Erasure.DELETE,
    why="A comment is its author's words; it goes with them.",
)
personal_data(
    Notification,
    "recipient",
    kind="notifications",
    export=export_notifications,
    erasure=Erasure.DELETE,
    why="Notifications exist only for their recipient.",
)
personal_data(
    Notification,
    "actor",
    kind="notifications_caused",
    not_exported="Notifications about what you did belong to the people who received them.",
    erasure=Erasure.DELETE,
    why="A notice naming an erased person would point at nobody.",
)
personal_data(
    Notification,
    "about",
    kind="notifications_about_you",
    not_exported="Notifications about your things (a report's outcome, a listing matching "
    "someone's saved search) belong to the people who received them.",
    erasure=Erasure.DELETE,
    why="Notices in other people's inboxes that name you or your things go with you.",
)


# privacy ----------------------------------------------------------------------------------------


def export_consent_records(user: User) -> list[dict]:
    return [
        {
            "purpose": record.purpose,
            "action": record.action,
            "scope": record.scope,
            "notice_version": record.notice_version,
            "notice_sha256": record.notice_sha256,
            "method": record.method,
            "created_at": _when(record.created_at),
        }
        for record in ConsentRecord.objects.filter(user=user).order_by("created_at", "id")
    ]


def export_consent_state(user: User) -> list[dict]:
    return [
        {
            "purpose": state.purpose,
            "scope": state.scope,
            "circles": [circle.name for circle in state.circles.all()],
            "details": state.details,
            "granted_at": _when(state.granted_at),
        }
        for state in ConsentState.objects.filter(user=user)
        .prefetch_related("circles")
        .order_by("purpose")
    ]


def export_audit_events(user: User) -> list[dict]:
    # Events about the person. Who else acted (a moderator) is named only as "staff"; the
    # network address and browser are included only for what the person did themselves.
    rows = []
    for event in AuditEvent.objects.filter(subject=user).order_by("created_at", "id"):
        by_self = event.actor_id == user.pk
        rows.append(
            {
                "action": event.action,
                "by": "you" if by_self else ("staff" if event.actor_pseudonym else "Bazaar"),
                "what": event.target_type or None,
                "detail": event.detail if by_self else {},
                "ip_address": event.ip_address if by_self else None,
                "browser": event.user_agent if by_self else None,
                "created_at": _when(event.created_at),
            }
        )
    return rows


def forget_where_from(user: User) -> None:
    """Erasure: the events the person caused keep no network address or browser."""
    AuditEvent.objects.filter(actor=user).forget_where_from()


def export_usage(user: User) -> list[dict]:
    return [
        {
            "purpose": row.purpose,
            "label": row.label,
            "day": row.day.isoformat(),
            "count": row.count,
        }
        for row in UsageCount.objects.filter(owner=user).order_by("day", "purpose", "label")
    ]


def export_releases(user: User) -> list[dict]:
    """The noisy answers given to the person, by day: what privacy budget each spent. The
    questions are kept as digests only, so there are no words to give back."""
    return [
        {"day": row.day.isoformat(), "epsilon": row.epsilon, "answer": row.answer}
        for row in Release.objects.filter(viewer=user).order_by("day", "id")
    ]


def export_budgets(user: User) -> list[dict]:
    return [
        {"day": row.day.isoformat(), "epsilon_spent": row.spent}
        for row in PrivacyBudget.objects.filter(viewer=user).order_by("day")
    ]


def export_exports(user: User) -> list[dict]:
    return [
        {
            "status": row.status,
            "created_at": _when(row.created_at),
            "finished_at": _when(row.finished_at),
            "expires_at": _when(row.expires_at),
        }
        for row in ExportRequest.objects.filter(user=user).order_by("created_at", "id")
    ]


def export_erasures(user: User) -> list[dict]:
    return [
        {
            "status": row.status,
            "requested_at": _when(row.requested_at),
            "purge_after": _when(row.purge_after),
            "cancelled_at": _when(row.cancelled_at),
        }
        for row in ErasureRequest.objects.filter(user=user).order_by("requested_at", "id")
    ]


personal_data(
    ConsentRecord,
    "user",
    kind="consent_history",
    export=export_consent_records,
    erasure=Erasure.RETAIN,
    why="The ledger is the legal record of what was consented to; the link to the person is "
    "cleared and the pseudonymous subject kept.",
    retention="Without a time limit: it is the proof of what was agreed to, and when. Only "
    "the pseudonymous id remains.",
)
personal_data(
    ConsentState,
    "user",
    kind="consents",
    export=export_consent_state,
    erasure=Erasure.DELETE,
    why="Every purpose is withdrawn (and written to the ledger) before the account goes.",
)
AUDIT_RETENTION = (
    "Without a time limit (append-only evidence). Only the pseudonymous id remains: no network "
    "address, no browser, no copy of anything you wrote (the log holds references only)."
)
personal_data(
    AuditEvent,
    "actor",
    kind="audit_actions",
    not_exported="What you did to your own data is in audit_log.json; actions staff took "
    "concern other people.",
    erasure=Erasure.RETAIN,
    why="The audit log is append-only evidence of who did what; the link is cleared, the "
    "pseudonym kept, the network address and browser dropped.",
    retention=AUDIT_RETENTION,
    before_erasure=forget_where_from,
)
personal_data(
    AuditEvent,
    "subject",
    kind="audit_log",
    export=export_audit_events,
    erasure=Erasure.RETAIN,
    why="The audit log is append-only evidence of what was done to whose data (a moderator's "
    "action included); the link is cleared, the pseudonym kept.",
    retention=AUDIT_RETENTION,
)
personal_data(
    UsageCount,
    "owner",
    kind="usage",
    export=export_usage,
    erasure=Erasure.DELETE,
    why="Counts of a person's data use mean nothing once the data is gone.",
)
personal_data(
    Release,
    "viewer",
    kind="noisy_answers",
    export=export_releases,
    erasure=Erasure.DELETE,
    why="Answers given to the person: kept only for the day, nobody else's business.",
)
personal_data(
    PrivacyBudget,
    "viewer",
    kind="privacy_budget",
    export=export_budgets,
    erasure=Erasure.DELETE,
    why="How much of the day's privacy budget the person's questions spent.",
)
personal_data(
    ExportRequest,
    "user",
    kind="exports",
    export=export_exports,
    erasure=Erasure.DELETE,
    why="Export requests and their files go with the person.",
)
personal_data(
    ErasureRequest,
    "user",
    kind="erasure_requests",
    export=export_erasures,
    erasure=Erasure.RETAIN,
    why="Proof that the erasure was asked for and done; the link is cleared, the pseudonym kept.",
    retention="Without a time limit: the proof that the account was deleted. Only the "
    "pseudonymous id and the dates remain.",
)
