"""Reports and moderation: people report what they see; moderators act on it in the admin.

Anyone signed in may report a listing, review, post, comment, private message or person they can
see (a message only in a conversation they are part of), once per thing, and never their own.

A moderator (staff with the "change report" permission, e.g. the "Moderators" group) resolves a
report with one action:

- hide: the listing, review, post or comment disappears for everyone but its owner (the audience
  policy's moderation rule), and the owner is told why and may appeal once
  (`marketplace.services.appeals`); for a person, their account is suspended;
- restore: undoes hide, and tells the owner (deciding their appeal, if any); for a person, lifts
  the suspension (a suspension for a post or a listing is lifted on the person's own report or in
  the user admin);
- warn: the owner is told, with the moderator's note;
- suspend: the owner's account is deactivated: they can no longer sign in, and everything they
  own disappears from others' views (the audience policy hides deactivated owners' content);
- dismiss: nothing to do.

Every open report on the same thing is resolved with it. Each action is in the audit log
(`moderation.<action>`, with the owner as subject and the thing by reference), and every
reporter is told the outcome.

Retention: a report names whose thing it is (`about`); it is kept for REPORT_RETENTION_DAYS
after it was resolved, then deleted (`reports_purge_expired`, daily). When that person is
erased, the link is cleared, and the open reports of things that went with them are closed
(`reports_close_for_erased`), so their time runs too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import (
    BrandComment,
    BrandOffer,
    BrandPost,
    Conversation,
    Listing,
    Message,
    Report,
    Review,
)
from marketplace.services import appeals
from privacy.audit import audit, reference
from social.audience import blocked_either_way
from social.models import Comment, Post
from social.selectors import comments_on
from social.services.notifications import notify

NOTE_MAX_LENGTH = Report.NOTE_MAX_LENGTH
RESOLUTION_MAX_LENGTH = Report.RESOLUTION_MAX_LENGTH
ACTIONS = ("hide", "restore", "warn", "suspend", "dismiss")
MODERATE_PERMISSION = "marketplace.change_report"


@dataclass(frozen=True)
class Kind:
    """A kind of thing people can report: its name in addresses, its model, its owner field."""

    name: str
    model: type[models.Model]
    owner_field: str | None  # None: the thing is a person
    label: str


KINDS = {
    kind.name: kind
    for kind in (
        Kind("listing", Listing, "seller", "listing"),
        Kind("review", Review, "author", "review"),
        Kind("post", Post, "author", "post"),
        Kind("comment", Comment, "author", "comment"),
        Kind("message", Message, "sender", "message"),
        Kind("brand_post", BrandPost, "author", "brand post"),
        Kind("brand_comment", BrandComment, "author", "brand comment"),
        Kind("brand_offer", BrandOffer, "created_by", "brand offer"),
        Kind("person", User, None, "person"),
    )
}


def kind_of(target: models.Model) -> Kind:
    """The kind of a reportable thing; DomainError for anything else."""
    for kind in KINDS.values():
        if isinstance(target, kind.model):
            return kind
    raise DomainError("This can't be reported.", code="not_reportable")


def owner_of(target: models.Model) -> User | None:
    """Whose the thing is: the seller, author or sender, or the person themselves."""
    kind = kind_of(target)
    if kind.owner_field is None:  # the thing is a person
        return target if isinstance(target, User) else None
    owner: User | None = getattr(target, kind.owner_field)
    return owner


def describe(target: models.Model | None) -> str:
    """A short name for the thing, for notifications and lists: listing “Trek Marlin 7”."""
    if target is None:
        return "something that no longer exists"
    kind = kind_of(target)
    if isinstance(target, User):
        return f"person {target.display_name}"
    label = str(getattr(target, "title", None) or getattr(target, "text", ""))
    label = label if len(label) <= 60 else label[:59] + "…"
    return f"{kind.label} “{label}”"


def report_target(*, reporter: User, kind: str, object_id: int | str) -> models.Model:
    """The thing of `kind` (a name in `KINDS`: "listing", "review", "post", "person"...) with
    `object_id`, if `reporter` may see it; NotFound otherwise (whether it exists is not told)."""
    found = KINDS.get(kind)
    label = found.label if found else "thing"
    missing = NotFound(f"This {label} does not exist or you can't see it.", code="not_found")
    if found is None:
        raise missing
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        raise missing from None
    target = _visible(found, reporter, pk)
    if target is None:
        raise missing
    return target


def _visible(kind: Kind, reporter: User, object_id: int) -> models.Model | None:
    if kind.model is Listing:  # as its page says: unpublished listings are their seller's alone
        return Listing.objects.filter(pk=object_id).openable_by(reporter).first()
    if kind.model is Review:
        return Review.objects.filter(pk=object_id).visible_to(reporter).first()
    if kind.model is Post:
        return Post.objects.filter(pk=object_id).visible_to(reporter).first()
    if kind.model is Comment:
        comment = Comment.objects.select_related("post").filter(pk=object_id).first()
        if (
            comment is None
            or not Post.objects.filter(pk=comment.post_id).visible_to(reporter).exists()
        ):
            return None
        return comments_on(reporter, comment.post).filter(pk=object_id).first()
    if kind.model is BrandPost:  # a brand's posts are public while not hidden
        return BrandPost.objects.filter(pk=object_id, hidden=False).first()
    if kind.model is BrandOffer:  # offers reach only the fans who asked: they may report it
        return BrandOffer.objects.filter(pk=object_id, hidden=False).first()
    if kind.model is BrandComment:
        return BrandComment.objects.filter(pk=object_id).visible_to(reporter).first()
    if kind.model is Message:
        conversations = Conversation.objects.filter(
            models.Q(buyer=reporter) | models.Q(listing__seller=reporter)
        )
        return (
            Message.objects.select_related("sender")
            .filter(pk=object_id, conversation__in=conversations)
            .first()
        )
    return (
        User.objects.filter(pk=object_id, is_active=True)
        .exclude(blocked_either_way(models.OuterRef("pk"), reporter.pk))
        .select_related("profile")
        .first()
    )


@transaction.atomic
def report_create(*, reporter: User, target: models.Model, reason: str, note: str = "") -> Report:
    """Report `target` (a Listing, Review, Post, Comment, Message or User) for `reason` (a
    `Report.Reason`). Raises NotFound for what the reporter can't see, NotAllowed for their own
    thing, Conflict for a second report of the same thing, DomainError for a bad reason."""
    kind = kind_of(target)
    target = report_target(reporter=reporter, kind=kind.name, object_id=target.pk)
    owner = owner_of(target)
    if owner is not None and owner.pk == reporter.pk:
        what = "yourself" if kind.owner_field is None else f"your own {kind.label}"
        raise NotAllowed(f"You can't report {what}.", code="own_thing")
    if reason not in Report.Reason.values:
        raise DomainError(
            f"Choose a reason: {', '.join(str(label) for label in Report.Reason.labels)}.",
            code="bad_reason",
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(f"Keep the note to {NOTE_MAX_LENGTH} characters.", code="too_long")
    if reason == Report.Reason.OTHER and not note:
        raise DomainError("Tell the moderators what is wrong in the note.", code="no_note")
    content_type = ContentType.objects.get_for_model(kind.model)
    already = Report.objects.filter(
        reporter=reporter, content_type=content_type, object_id=target.pk
    )
    message = f"You already reported this {kind.label}; the moderators will look at it."
    if already.exists():
        raise Conflict(message, code="already_reported")
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                about=owner,
                content_type=content_type,
                object_id=target.pk,
                reason=reason,
                note=note,
            )
    except IntegrityError:
        raise Conflict(message, code="already_reported") from None


# --- Moderation ------------------------------------------------------------------------------


def can_moderate(user: User | AnonymousUser | None) -> bool:
    """Staff, active, with the permission to change reports (the "Moderators" group)."""
    return bool(
        user is not None and user.is_active and user.is_staff and user.has_perm(MODERATE_PERMISSION)
    )


OUTCOMES = {
    "hide": "it has been hidden",
    "restore": "it is visible again",
    "warn": "its owner has been warned",
    "suspend": "the account behind it has been suspended",
    "dismiss": "it does not break the rules, so no action was taken",
}


def _set_hidden(target: models.Model, hidden: bool) -> None:
    if isinstance(target, User):
        _set_active(target, not hidden)
        return
    if not hasattr(target, "hidden"):
        raise DomainError(
            "A private message can't be hidden; warn or suspend its sender instead.",
            code="cannot_hide",
        )
    target.hidden = hidden
    target.save(update_fields=["hidden"])


def _set_active(user: User | None, active: bool) -> None:
    if user is None:
        raise DomainError("This was written by an erased account.", code="no_owner")
    if not active and (user.is_staff or user.is_superuser):
        raise NotAllowed("Staff accounts can't be suspended from the queue.", code="staff")
    user.is_active = active
    user.save(update_fields=["is_active"])


@transaction.atomic
def report_resolve(*, moderator: User, report: Report, action: str, note: str = "") -> Report:
    """Act on `report` (one of ACTIONS) and close it, with every other open report of the same
    thing. Audited as `moderation.<action>`; the reporters are told the outcome, the owner is
    told of a warning. NotAllowed for someone who is not a moderator."""
    _check_moderator(moderator, action)
    report = Report.objects.select_for_update().select_related("content_type").get(pk=report.pk)
    _moderate(
        moderator=moderator,
        target=report.target,
        where=(report.content_type_id, report.object_id),
        action=action,
        note=note,
        report=report,
    )
    report.refresh_from_db()
    return report


@transaction.atomic
def content_moderate(*, moderator: User, target: models.Model, action: str, note: str = "") -> None:
    """Act on a listing, review, post, comment, message or person directly (from its own admin
    page), as `report_resolve` would: audited, and any open reports of it are closed with their
    reporters told the outcome."""
    _check_moderator(moderator, action)
    kind_of(target)
    _moderate(
        moderator=moderator,
        target=target,
        where=(ContentType.objects.get_for_model(type(target)).pk, target.pk),
        action=action,
        note=note,
        report=None,
    )


def _check_moderator(moderator: User, action: str) -> None:
    if not can_moderate(moderator):
        raise NotAllowed("Only moderators can do this.", code="not_moderator")
    if action not in ACTIONS:
        raise DomainError(f"Choose an action: {', '.join(ACTIONS)}.", code="bad_action")


def _moderate(
    *,
    moderator: User,
    target: models.Model | None,
    where: tuple[int, int],
    action: str,
    note: str,
    report: Report | None,
) -> None:
    """Act on `target` (gone: None, which only a dismissal accepts), known to reports as
    `where` (its content type id and object id), and close every open report of it."""
    note = (note or "").strip()[:RESOLUTION_MAX_LENGTH]
    owner = owner_of(target) if target is not None else None
    if target is None:
        if action != "dismiss":
            raise DomainError(
                "The reported thing no longer exists; dismiss the report.", code="target_gone"
            )
    elif action == "hide":
        _set_hidden(target, True)
        if not isinstance(target, User):  # a hidden person is suspended: they can't sign in
            appeals.decision_record(
                moderator=moderator,
                target=target,
                owner=owner,
                what=describe(target),
                reason=note or (report.get_reason_display() if report is not None else ""),
            )
    elif action == "restore":
        _set_hidden(target, False)
        if not isinstance(target, User):
            appeals.decisions_lift(moderator=moderator, target=target, what=describe(target))
    elif action == "suspend":
        _set_active(owner, False)
    elif action == "warn":
        if owner is None:
            raise DomainError("This was written by an erased account.", code="no_owner")
        notify(
            recipient=owner,
            kind="moderation_warning",
            text=f"A moderator warned you about your {describe(target)}"
            + (f": {note}" if note else ". Please keep to the house rules."),
        )
    content_type_id, object_id = where
    # The event names the thing by reference (a person by pseudonym) and the report by id; the
    # moderator's note stays on the reports, which are kept for REPORT_RETENTION_DAYS.
    audit(
        f"moderation.{action}",
        actor=moderator,
        subject=owner,
        target_ref=reference(
            content_type=ContentType.objects.get_for_id(content_type_id), object_id=object_id
        ),
        report=report.pk if report is not None else None,
    )
    now = timezone.now()
    status = Report.Status.DISMISSED if action == "dismiss" else Report.Status.ACTIONED
    same_thing = Report.objects.filter(content_type_id=content_type_id, object_id=object_id)
    same_thing = same_thing.filter(
        models.Q(status=Report.Status.OPEN) | models.Q(pk=getattr(report, "pk", None))
    )
    what = describe(target)
    for resolved in same_thing.select_related("reporter"):
        resolved.status, resolved.resolution = status, note or OUTCOMES[action]
        resolved.moderator, resolved.resolved_at = moderator, now
        resolved.save(update_fields=["status", "resolution", "moderator", "resolved_at"])
        notify(
            recipient=resolved.reporter,
            kind="report_outcome",
            about=owner,
            text=f"We looked at your report of {what}: {OUTCOMES[action]}.",
            url=reverse("marketplace:my_reports"),
        )


# --- Retention -------------------------------------------------------------------------------


GONE = "What was reported no longer exists."


@transaction.atomic
def reports_close_for_erased(
    *, person: User, keep: models.QuerySet[models.Model] | None = None
) -> int:
    """`person` is being erased: close the open reports of their things, which go with them
    (a person, a listing, a post...), as dismissed with no moderator, so that their retention
    period starts. Reports of the things in `keep` (rows that stay, like a public review)
    remain open for the moderators. Returns how many were closed; nobody is notified."""
    open_reports = Report.objects.filter(about=person, status=Report.Status.OPEN)
    if keep is not None:
        open_reports = open_reports.exclude(
            content_type=ContentType.objects.get_for_model(keep.model),
            object_id__in=keep.values("pk"),
        )
    return open_reports.update(
        status=Report.Status.DISMISSED, resolution=GONE, resolved_at=timezone.now()
    )


def reports_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the reports resolved more than REPORT_RETENTION_DAYS ago; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_RETENTION_DAYS)
    deleted, _ = Report.objects.filter(resolved_at__lt=cutoff).delete()
    return deleted
