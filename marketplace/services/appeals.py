"""Moderation decisions and appeals: the owner of what a moderator hid is told at once, with the
reason, and may appeal once; a moderator restores the thing (`reports.content_moderate`,
"restore") or upholds the decision (`appeal_uphold`), and the owner is told the outcome.

`reports._moderate` calls `decision_record` when it hides a listing, review, post or comment and
`decisions_lift` when it restores one, so whichever page a moderator starts from (the report,
the thing's own admin page, the appeal), the owner hears of it the same way.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Appeal, ModerationDecision
from privacy.audit import audit, reference
from social.services.notifications import notify

TEXT_MAX_LENGTH = Appeal.TEXT_MAX_LENGTH
NO_REASON = "it breaks the house rules"


def decision_url(decision: ModerationDecision) -> str:
    """The owner's page for the decision: what was hidden, why, and the appeal."""
    return reverse("marketplace:moderation_decision", args=[decision.pk])


def decision_record(
    *, moderator: User, target: models.Model, owner: User | None, what: str, reason: str
) -> ModerationDecision | None:
    """`target` (owned by `owner`, named `what`) was just hidden for `reason`: record the
    decision and tell the owner, with the way to appeal. Nothing for an erased owner, or when a
    decision on it is already in force (hiding twice is one decision)."""
    if owner is None:
        return None
    content_type = ContentType.objects.get_for_model(type(target))
    in_force = ModerationDecision.objects.filter(
        content_type=content_type, object_id=target.pk, lifted_at__isnull=True
    )
    if in_force.exists():
        return None
    reason = (reason or NO_REASON).strip()[: ModerationDecision.REASON_MAX_LENGTH]
    decision = ModerationDecision.objects.create(
        owner=owner,
        content_type=content_type,
        object_id=target.pk,
        reason=reason,
        moderator=moderator,
    )
    notify(
        recipient=owner,
        kind="moderation_hidden",
        text=f"A moderator hid your {what}: {reason}. You can appeal once.",
        url=decision_url(decision),
    )
    return decision


def decisions_lift(*, moderator: User, target: models.Model, what: str) -> int:
    """`target` (named `what`) was just restored: the decisions on it are lifted, a pending
    appeal is decided "restored", and the owner is told. Returns how many decisions."""
    content_type = ContentType.objects.get_for_model(type(target))
    in_force = list(
        ModerationDecision.objects.select_for_update()
        .filter(content_type=content_type, object_id=target.pk, lifted_at__isnull=True)
        .select_related("owner")
    )
    now = timezone.now()
    for decision in in_force:
        decision.lifted_at = now
        decision.save(update_fields=["lifted_at"])
        appealed = Appeal.objects.filter(decision=decision, outcome=Appeal.Outcome.PENDING)
        was_appealed = appealed.update(
            outcome=Appeal.Outcome.RESTORED, moderator=moderator, decided_at=now
        )
        opening = "Your appeal was accepted: your" if was_appealed else "A moderator restored your"
        notify(
            recipient=decision.owner,
            kind="moderation_restored",
            text=f"{opening} {what} is visible again.",
            url=decision_url(decision),
        )
    return len(in_force)


def _checked_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("Tell the moderators why the decision should change.", code="required")
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(f"Keep the appeal to {TEXT_MAX_LENGTH} characters.", code="too_long")
    return text


@transaction.atomic
def appeal_create(*, owner: User, decision: ModerationDecision, text: str) -> Appeal:
    """The owner appeals the decision, once (the database holds one appeal per decision); it
    joins the moderators' queue. Raises NotFound (not their decision), Conflict (appealed
    already, or already restored), DomainError (text)."""
    decision = ModerationDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.owner_id != owner.pk:
        raise NotFound("No such decision.")
    text = _checked_text(text)
    if decision.lifted_at is not None:
        raise Conflict("This is visible again; there is nothing to appeal.", code="lifted")
    already = "You already appealed this decision; a moderator will tell you the outcome."
    if Appeal.objects.filter(decision=decision).exists():
        raise Conflict(already, code="already_appealed")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(decision=decision, text=text)
    except IntegrityError:
        raise Conflict(already, code="already_appealed") from None
    audit(
        "moderation.appeal",
        actor=owner,
        target_ref=reference(content_type=decision.content_type, object_id=decision.object_id),
        decision=decision.pk,
    )
    return appeal


@transaction.atomic
def appeal_uphold(*, moderator: User, appeal: Appeal, note: str = "") -> Appeal:
    """A moderator looked at the appeal and the decision stands; the owner is told, with the
    moderator's note. Raises NotAllowed (not a moderator), Conflict (decided already)."""
    from marketplace.services.reports import can_moderate, describe

    if not can_moderate(moderator):
        raise NotAllowed("Only moderators can do this.", code="not_moderator")
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("decision__owner", "decision__content_type")
        .get(pk=appeal.pk)
    )
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise Conflict(
            f"This appeal is decided: {appeal.get_outcome_display().lower()}.", code="decided"
        )
    appeal.outcome, appeal.moderator, appeal.decided_at = (
        Appeal.Outcome.UPHELD,
        moderator,
        timezone.now(),
    )
    appeal.save(update_fields=["outcome", "moderator", "decided_at"])
    decision = appeal.decision
    note = (note or "").strip()[:300]
    notify(
        recipient=decision.owner,
        kind="moderation_appeal_upheld",
        text=f"A moderator looked at your appeal about your {describe(decision.target)}: "
        "the decision stands" + (f" ({note})." if note else "."),
        url=decision_url(decision),
    )
    audit(
        "moderation.appeal_upheld",
        actor=moderator,
        subject=decision.owner,
        target_ref=reference(content_type=decision.content_type, object_id=decision.object_id),
        decision=decision.pk,
    )
    return appeal
