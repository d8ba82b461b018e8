"""Consents, the audit log, usage counts, noisy answers, export and erasure requests."""

from __future__ import annotations

from accounts.models import User
from privacy.models import (
    AuditEvent,
    ConsentRecord,
    ConsentState,
    ErasureRequest,
    ExportRequest,
    PrivacyBudget,
    PublishedFigure,
    Release,
    UsageCount,
)
from privacy.personal_data._common import when
from privacy.registry import Erasure, ExportRow, personal_data

# privacy ----------------------------------------------------------------------------------------


def export_consent_records(user: User) -> list[ExportRow]:
    return [
        {
            "purpose": record.purpose,
            "action": record.action,
            "scope": record.scope,
            "notice_version": record.notice_version,
            "notice_sha256": record.notice_sha256,
            "method": record.method,
            "created_at": when(record.created_at),
        }
        for record in ConsentRecord.objects.filter(user=user).order_by("created_at", "id")
    ]


def export_consent_state(user: User) -> list[ExportRow]:
    return [
        {
            "purpose": state.purpose,
            "scope": state.scope,
            "circles": [circle.name for circle in state.circles.all()],
            "details": state.details,
            "granted_at": when(state.granted_at),
        }
        for state in ConsentState.objects.filter(user=user)
        .prefetch_related("circles")
        .order_by("purpose")
    ]


def export_audit_events(user: User) -> list[ExportRow]:
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
                "created_at": when(event.created_at),
            }
        )
    return rows


def forget_where_from(user: User) -> None:
    """Erasure: the events the person caused keep no network address or browser."""
    AuditEvent.objects.filter(actor=user).forget_where_from()


def export_usage(user: User) -> list[ExportRow]:
    return [
        {
            "purpose": row.purpose,
            "label": row.label,
            "day": row.day.isoformat(),
            "count": row.count,
        }
        for row in UsageCount.objects.filter(owner=user).order_by("day", "purpose", "label")
    ]


def export_releases(user: User) -> list[ExportRow]:
    """The noisy answers given to the person, by day: what privacy budget each spent. The
    questions are kept as digests only, so there are no words to give back."""
    return [
        {"day": row.day.isoformat(), "epsilon": row.epsilon, "answer": row.answer}
        for row in Release.objects.filter(viewer=user).order_by("day", "id")
    ]


def export_published_figures(user: User) -> list[ExportRow]:
    """The noisy figures about the person shown to others today (their reputation)."""
    return [
        {"day": row.day.isoformat(), "epsilon": row.epsilon, "answer": row.answer}
        for row in PublishedFigure.objects.filter(subject=user).order_by("day", "id")
    ]


def export_budgets(user: User) -> list[ExportRow]:
    return [
        {"day": row.day.isoformat(), "epsilon_spent": row.spent}
        for row in PrivacyBudget.objects.filter(viewer=user).order_by("day")
    ]


def export_exports(user: User) -> list[ExportRow]:
    return [
        {
            "status": row.status,
            "created_at": when(row.created_at),
            "finished_at": when(row.finished_at),
            "expires_at": when(row.expires_at),
        }
        for row in ExportRequest.objects.filter(user=user).order_by("created_at", "id")
    ]


def export_erasures(user: User) -> list[ExportRow]:
    return [
        {
            "status": row.status,
            "requested_at": when(row.requested_at),
            "purge_after": when(row.purge_after),
            "cancelled_at": when(row.cancelled_at),
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
    PublishedFigure,
    "subject",
    kind="published_figures",
    export=export_published_figures,
    erasure=Erasure.DELETE,
    why="Noisy figures about the person (their reputation), kept only for the day drawn.",
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
