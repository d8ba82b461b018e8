"""Granting and withdrawing consent: the ledger and the current state, in one transaction. The
state's model signals move the purpose's consent version (`privacy/signals.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from config.errors import DomainError, NotFound
from privacy.audit import audit
from privacy.models import ConsentRecord, ConsentState, pseudonym_for
from privacy.purposes import NO_SCOPE, Purpose, Scope, for_yourself, notice_for
from social.models import Circle
from social.services.circles import owned_circles


def _purpose(purpose: str) -> str:
    if purpose not in Purpose.values:
        raise DomainError(
            f"Unknown purpose “{purpose}”. Choose one of: {', '.join(Purpose.values)}.",
            code="bad_purpose",
        )
    return purpose


def _method(method: str) -> str:
    if method not in ConsentRecord.Method.values:
        raise DomainError(f"Unknown method “{method}”.", code="bad_method")
    return method


@transaction.atomic
def consent_grant(
    *,
    user: User,
    purpose: str,
    scope: str = NO_SCOPE,
    circle_ids: Iterable[int] = (),
    details: dict[str, object] | None = None,
    method: str = ConsentRecord.Method.DASHBOARD,
    request: HttpRequest | None = None,
) -> ConsentState:
    """Grant `purpose` to `scope` (re-granting changes the scope). Written to the ledger and the
    current state together; the notice shown is recorded by version and hash. A purpose for the
    person alone (`purposes.FOR_YOURSELF`) takes no scope (`""`) and no circles."""
    purpose, method = _purpose(purpose), _method(method)
    circle_ids = list(circle_ids or [])
    if for_yourself(purpose):
        if scope or circle_ids:
            raise DomainError(
                f"“{Purpose(purpose).label}” is for you alone: it has no audience to choose.",
                code="no_audience",
                field="scope",
            )
    elif not scope:
        raise DomainError(
            "Choose who it is for: friends, friends of friends or chosen circles.",
            code="no_scope",
            field="scope",
        )
    elif scope not in Scope.values:
        raise DomainError(
            f"Unknown scope “{scope}”. Choose one of: {', '.join(Scope.values)}.",
            code="bad_scope",
            field="scope",
        )
    if scope == Scope.CIRCLES:
        if not circle_ids:
            raise DomainError("Choose at least one circle.", code="no_circle")
        circles = owned_circles(owner=user, circle_ids=circle_ids)
    elif circle_ids:
        raise DomainError(
            "Circles can be chosen only with the “Chosen circles” scope.",
            code="circles_without_scope",
        )
    else:
        circles = []
    notice = notice_for(purpose)
    record = ConsentRecord.objects.create(
        user=user,
        subject=pseudonym_for(user.pk),
        purpose=purpose,
        action=ConsentRecord.Action.GRANTED,
        scope=scope,
        circle_ids=sorted(circle.pk for circle in circles),
        details=details or {},
        notice_version=notice.version,
        notice_sha256=notice.sha256,
        method=method,
    )
    state, _ = ConsentState.objects.select_for_update().update_or_create(
        user=user,
        purpose=purpose,
        defaults={
            "scope": scope,
            "details": details or {},
            "record": record,
            "granted_at": record.created_at or timezone.now(),
        },
    )
    state.circles.set(circles)
    audit("consent.granted", actor=user, request=request, purpose=purpose, scope=scope)
    return state


@transaction.atomic
def consent_withdraw(
    *,
    user: User,
    purpose: str,
    method: str = ConsentRecord.Method.DASHBOARD,
    request: HttpRequest | None = None,
) -> ConsentRecord:
    """Withdraw `purpose`. Effective for the very next query: the state row is gone."""
    purpose, method = _purpose(purpose), _method(method)
    deleted, _ = ConsentState.objects.filter(user=user, purpose=purpose).delete()
    if not deleted:
        raise NotFound("You have not granted this.", code="not_granted")
    notice = notice_for(purpose)
    record = ConsentRecord.objects.create(
        user=user,
        subject=pseudonym_for(user.pk),
        purpose=purpose,
        action=ConsentRecord.Action.WITHDRAWN,
        notice_version=notice.version,
        notice_sha256=notice.sha256,
        method=method,
    )
    audit("consent.withdrawn", actor=user, request=request, purpose=purpose)
    return record


def consent_withdraw_all(*, user: User, method: str = ConsentRecord.Method.ERASURE) -> int:
    """Withdraw every granted purpose (account deletion). Returns how many."""
    purposes = list(ConsentState.objects.filter(user=user).values_list("purpose", flat=True))
    for purpose in purposes:
        consent_withdraw(user=user, purpose=purpose, method=method)
    return len(purposes)


@dataclass(frozen=True)
class ConsentsRestored:
    """What `consents_restore` gave back, and what must be asked again (purpose, why)."""

    restored: list[str] = field(default_factory=list)
    ask_again: list[tuple[str, str]] = field(default_factory=list)


NOTICE_CHANGED = "what it does has changed since you agreed"
CIRCLES_GONE = "the circles you chose no longer exist"


@transaction.atomic
def consents_restore(
    *, user: User, since: datetime, request: HttpRequest | None = None
) -> ConsentsRestored:
    """Grant again, exactly as they were, the purposes withdrawn when `user` asked for their
    account to be deleted (the ledger's withdrawals by account deletion made since `since`):
    the same scope, circles and details, recorded in the ledger with the method "restored"
    (`consent_grant`). A purpose whose notice changed since it was granted is not restored, nor
    one scoped to circles that are all gone: agreeing to that would be a new consent, so it is
    left withdrawn and named in `ask_again`. Returns what was restored and what was not."""
    withdrawals = ConsentRecord.objects.filter(
        user=user,
        action=ConsentRecord.Action.WITHDRAWN,
        method=ConsentRecord.Method.ERASURE,
        created_at__gte=since,
    ).order_by("id")
    restored: list[str] = []
    ask_again: list[tuple[str, str]] = []
    for withdrawal in withdrawals:
        purpose = withdrawal.purpose
        if ConsentState.objects.filter(user=user, purpose=purpose).exists():
            continue  # granted again since, by the person: theirs stands
        grant = (
            ConsentRecord.objects.filter(
                user=user,
                purpose=purpose,
                action=ConsentRecord.Action.GRANTED,
                id__lt=withdrawal.pk,
            )
            .order_by("-id")
            .first()
        )
        if grant is None or purpose not in Purpose.values:
            continue
        notice = notice_for(purpose)
        if (grant.notice_version, grant.notice_sha256) != (notice.version, notice.sha256):
            ask_again.append((purpose, NOTICE_CHANGED))
            continue
        circle_ids = list(
            Circle.objects.filter(owner=user, pk__in=grant.circle_ids).values_list("pk", flat=True)
        )
        if grant.scope == Scope.CIRCLES and not circle_ids:
            ask_again.append((purpose, CIRCLES_GONE))
            continue
        consent_grant(
            user=user,
            purpose=purpose,
            scope=grant.scope,
            circle_ids=circle_ids,
            details=grant.details,
            method=ConsentRecord.Method.RESTORED,
            request=request,
        )
        restored.append(purpose)
    return ConsentsRestored(restored=restored, ask_again=ask_again)
