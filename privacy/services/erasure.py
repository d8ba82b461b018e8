"""Deleting an account: asked for, cancelled by signing in again, purged after the grace period.

The request (`erasure_request`) takes effect at once for everything a person can notice: the
account is deactivated, every session and API token ends, every consent is withdrawn (the
ledger keeps the record). The data itself stays for `ERASURE_GRACE_DAYS`, so that signing in
again in that time (`erasure_cancel_at_login`) gives the account back whole, its consents
granted again as they were (recorded in the ledger as restored). After it, `purge_user` removes
the person following the registry (privacy/personal_data/ and the later apps'): first each
entry's `before_erasure` and `also_delete`, then DELETE rows go, ANONYMISE rows lose their link,
RETAIN rows stay and lose their link when the account row goes (their foreign keys are
SET_NULL; the append-only triggers allow exactly that). Whatever is deleted loses its copies in
Django's admin log too (`LogEntry.object_repr` and change message), and an entry about the
account itself its id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.db import models, router, transaction
from django.db.models import ForeignObjectRel
from django.db.models.deletion import Collector
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from accounts.services import api_token_revoke
from config.errors import Conflict, DomainError
from privacy.audit import audit
from privacy.models import ConsentRecord, ErasureRequest, pseudonym_for
from privacy.registry import REGISTRY, Erasure, PersonalData, links_to_people
from privacy.services.consent import ConsentsRestored, consent_withdraw_all, consents_restore
from social.audience import friendships_changed
from social.services.notifications import notify

logger = logging.getLogger(__name__)

NOT_RIGHT = "That password (or code) is not right."
TOO_MANY_ATTEMPTS = "Too many wrong attempts. Wait a few minutes, then try again."


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


# --- Reads ---------------------------------------------------------------------------------


def erasure_for(user: User) -> ErasureRequest | None:
    """The person's most recent erasure request, or None."""
    return ErasureRequest.objects.filter(user=user).order_by("-requested_at", "-id").first()


def scheduled_erasure_for(user: User | None) -> ErasureRequest | None:
    """The person's scheduled (not yet cancelled or done) erasure request, or None."""
    if user is None or user.pk is None:
        return None
    return ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.SCHEDULED).first()


def has_two_factor(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


# --- Requesting ----------------------------------------------------------------------------


def _reauthenticate(user: User, *, password: str, code: str, request: HttpRequest | None) -> None:
    """Prove it is really the person: their password, or a current code from their
    authenticator app. Wrong attempts count against allauth's `login_failed` limit (per address
    and per person), as on the sign-in page and the token endpoint; codes share the key of
    allauth's own two-factor step."""
    code = code.strip()
    if not password.strip():
        password = ""  # a blank password field means the code is used
    if not password and not code:
        raise DomainError(
            "Enter your password (or a code from your authenticator app) to confirm.",
            code="reauthentication_required",
        )
    key = f"mfa-auth-user-{user.pk}" if not password else f"erasure-user-{user.pk}"
    if request is not None and not ratelimit.consume(request, action="login_failed", key=key):
        raise TooManyAttempts(TOO_MANY_ATTEMPTS)
    if password:
        ok = user.check_password(password)
    else:
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        ok = totp is not None and TOTP(totp).validate_code(code)
        if ok:
            totp.record_usage()
    if not ok:
        raise DomainError(NOT_RIGHT, code="wrong_secret")
    if request is not None:
        ratelimit.clear(request, action="login_failed", key=key)


def _session_store() -> type[DatabaseSessionStore]:
    # The engine's store, checked below to be kept in the database (`db` or `cached_db`).
    store_class: type[DatabaseSessionStore] = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        raise ImproperlyConfigured(
            "Finding a person's sessions needs a database-backed SESSION_ENGINE."
        )
    return store_class


def sessions_of(user: User) -> list[tuple[str, datetime]]:
    """(session key, expiry) of every unexpired session signed in as `user`.

    Sessions are stored in the database (the default engine, or cached_db); a session records
    its user only inside its signed data, so the unexpired ones are decoded in chunks."""
    store_class = _session_store()
    user_id = str(user.pk)
    decoder = store_class()
    return [
        (key, expires)
        for key, data, expires in store_class.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data", "expire_date")
        .iterator(chunk_size=2000)
        if decoder.decode(data).get(SESSION_KEY) == user_id
    ]


def end_sessions(user: User) -> int:
    """Delete every session signed in as `user`; returns how many.

    Deleting them (rather than relying on the account being inactive) matters: if the person
    comes back and the account is reactivated, an old session must not come back to life with
    it."""
    store_class = _session_store()
    keys = [key for key, _ in sessions_of(user)]
    for key in keys:
        store_class(session_key=key).delete()
    return len(keys)


@transaction.atomic
def erasure_request(
    *,
    user: User,
    password: str | None = None,
    code: str | None = None,
    request: HttpRequest | None = None,
) -> ErasureRequest:
    """Schedule the deletion of `user`'s account, after checking the password or a current
    two-factor code. At once: the account is deactivated, all sessions and API tokens end, every
    consent is withdrawn. The purge follows after `ERASURE_GRACE_DAYS` unless they sign in
    again. Raises DomainError (wrong or missing secret; nothing changes), TooManyAttempts, or
    Conflict when a deletion is already scheduled."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if scheduled_erasure_for(user) is not None:
        raise Conflict("Your account is already scheduled for deletion.", code="erasure_scheduled")
    _reauthenticate(user, password=password or "", code=code or "", request=request)
    erasure = ErasureRequest.objects.create(
        user=user,
        subject=pseudonym_for(user.pk),
        purge_after=timezone.now() + timedelta(days=settings.ERASURE_GRACE_DAYS),
    )
    user.is_active = False
    user.save(update_fields=["is_active"])
    withdrawn = consent_withdraw_all(user=user, method=ConsentRecord.Method.ERASURE)
    api_token_revoke(user=user)
    sessions = end_sessions(user)
    audit(
        "erasure.requested",
        actor=user,
        request=request,
        purge_after=erasure.purge_after.isoformat(),
        consents_withdrawn=withdrawn,
        sessions_ended=sessions,
    )
    notify(
        recipient=user,
        kind="erasure_scheduled",
        text="Your Bazaar account will be deleted on "
        f"{date_format(timezone.localtime(erasure.purge_after), 'j F Y')}. "
        "Changed your mind? Sign in before then and it will not be.",
        url=reverse("account_login"),
    )
    return erasure


# --- Cancelling ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CancelledErasure:
    erasure: ErasureRequest
    consents: ConsentsRestored


@transaction.atomic
def erasure_cancel_at_login(
    *, user: User, request: HttpRequest | None = None
) -> CancelledErasure | None:
    """The person signed in again during the grace period: the deletion is called off, the
    account reactivated, and the consents the request withdrew granted again as they were
    (`consents_restore`: same scopes and circles, recorded as restored). Returns the cancelled
    request with what was restored, or None when none was scheduled. Called by the sign-in flow
    only after every step of it (password, two-factor) passed."""
    erasure = (
        ErasureRequest.objects.select_for_update()
        .filter(user=user, status=ErasureRequest.Status.SCHEDULED)
        .first()
    )
    if erasure is None:
        return None
    erasure.status = ErasureRequest.Status.CANCELLED
    erasure.cancelled_at = timezone.now()
    erasure.save(update_fields=["status", "cancelled_at"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit("erasure.cancelled", actor=user, request=request, erasure_request=erasure.pk)
    consents = consents_restore(user=user, since=erasure.requested_at, request=request)
    notify(
        recipient=user,
        kind="erasure_cancelled",
        text="You signed in again: your Bazaar account will not be deleted.",
        url=reverse("privacy:dashboard"),
    )
    return CancelledErasure(erasure=erasure, consents=consents)


# --- Purging -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One relation between a model and the user model, named as the registry names it."""

    label: str  # "social.post"
    field: str  # "author"

    @property
    def key(self) -> tuple[str, str]:
        return (self.label, self.field)


def links_to_the_person() -> list[Link]:
    """Every relation touching a person: `links_to_people()` plus every reverse relation of the
    user model, hidden ones included (a `related_name="+"` link is still a link). A relation
    through an auto-created many-to-many table is named by its many-to-many field."""
    found = {Link(label, name) for label, name in links_to_people()}
    for relation in User._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel):  # a reverse relation: made, not concrete
            continue
        model = relation.related_model
        # The table behind a ManyToManyField names the model that made it (a bool to the stubs).
        owner: object = model._meta.auto_created
        if isinstance(owner, type) and issubclass(owner, models.Model):
            for candidate in owner._meta.many_to_many:
                if candidate.remote_field.through is model:
                    found.add(Link(owner._meta.label_lower, candidate.name))
            continue
        found.add(Link(model._meta.label_lower, relation.field.name))
    for candidate in User._meta.many_to_many:
        found.add(Link(User._meta.label_lower, candidate.name))
    return sorted(found, key=lambda link: link.key)


def classification_problems() -> list[str]:
    """What keeps the purge from doing what the registry promises, one sentence per link: a
    link not classified, an ANONYMISE link that cannot be set to NULL, a RETAIN link whose rows
    would be deleted with the account (or would block its deletion)."""
    problems = []
    for link in links_to_the_person():
        entry = REGISTRY.get(link.key)
        name = f"{link.label}.{link.field}"
        if entry is None:
            problems.append(f"{name} is not classified in privacy/personal_data/.")
            continue
        if entry.erasure not in Erasure.values:
            problems.append(f"{name} has an unknown erasure kind {entry.erasure!r}.")
            continue
        if entry.erasure == Erasure.RETAIN and not entry.why:
            problems.append(f"{name} is retained without saying why.")
        model_field = entry.model._meta.get_field(entry.field)
        if entry.erasure == Erasure.ANONYMISE and (
            model_field.many_to_many or not model_field.null
        ):
            problems.append(f"{name} cannot be anonymised: the link cannot be NULL.")
        if entry.erasure == Erasure.RETAIN:
            on_delete = getattr(model_field.remote_field, "on_delete", None)
            if model_field.many_to_many or on_delete is not models.SET_NULL:
                problems.append(
                    f"{name} cannot be retained: deleting the account would "
                    f"{'delete' if on_delete is models.CASCADE else 'not clear'} its rows "
                    "(the link must be nullable with on_delete=SET_NULL)."
                )
    return problems


def _rows_of(entry: PersonalData, user: User) -> models.QuerySet[models.Model]:
    """The rows of `entry` that link to `user` (the through-table rows for a many-to-many)."""
    model_field = entry.model._meta.get_field(entry.field)
    if isinstance(model_field, models.ManyToManyField):
        through = model_field.remote_field.through
        if through is None:  # only before the models are loaded
            raise ImproperlyConfigured(f"{entry.model.__name__}.{entry.field} has no table yet.")
        if entry.model._meta.label_lower == User._meta.label_lower:
            return through._base_manager.filter(**{model_field.m2m_field_name(): user})
        return through._base_manager.filter(**{model_field.m2m_reverse_field_name(): user})
    return entry.model._base_manager.filter(**{entry.field: user})


ERASED = "(erased)"


def _forget_in_admin_log(model: type[models.Model], pks: list[object]) -> int:
    """Django's admin log copies an object's name (`object_repr`: a post's first words, a
    person's email) and a change message into each entry about it. For rows that are being
    erased those copies go, and an entry about the account itself loses its id too; the entry
    (who did what, when) stays. Returns how many entries were cleared."""
    if model is LogEntry or not pks:
        return 0
    # An entry names the model the admin showed: the concrete one or one of its proxies.
    shown_as = [model] + [
        other
        for other in django_apps.get_models()
        if other._meta.proxy and other._meta.concrete_model is model
    ]
    content_types = ContentType.objects.get_for_models(*shown_as, for_concrete_models=False)
    changes: dict[str, str | None] = {"object_repr": ERASED, "change_message": ""}
    if model._meta.label_lower == User._meta.label_lower:
        changes["object_id"] = None
    cleared = 0
    ids = [str(pk) for pk in pks]
    for start in range(0, len(ids), 500):
        cleared += LogEntry.objects.filter(
            content_type__in=content_types.values(), object_id__in=ids[start : start + 500]
        ).update(**changes)
    return cleared


def _delete_with_files(
    queryset: models.QuerySet[models.Model],
) -> tuple[int, list[tuple[Storage, str]]]:
    """Delete the rows (and what cascades from them), clearing their copies in the admin log;
    return the count and their files, (storage, name), to delete once this commits."""
    collector = Collector(using=router.db_for_write(queryset.model), origin=queryset)
    collector.collect(queryset)
    files: list[tuple[Storage, str]] = []
    batches = [(model, list(rows)) for model, rows in collector.data.items()]
    batches += [(qs.model, list(qs)) for qs in collector.fast_deletes]
    for model, rows in batches:
        _forget_in_admin_log(model, [row.pk for row in rows])
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for row in rows:
            for file_field in file_fields:
                stored = getattr(row, file_field.attname)
                if stored:
                    files.append((file_field.storage, str(stored)))
    deleted, _ = collector.delete()
    return deleted, files


def _delete_files_after_commit(files: list[tuple[Storage, str]]) -> None:
    def delete() -> None:
        for storage, name in files:
            storage.delete(name)

    if files:
        transaction.on_commit(delete)


@transaction.atomic
def purge_user(erasure: ErasureRequest) -> ErasureRequest:
    """Erase the person of a scheduled request whose grace period is over, as the registry
    says; delete their files once the transaction commits; finally delete the account row.
    The request keeps its pseudonymous subject and is marked completed.

    Idempotent: a request already completed or cancelled is returned unchanged. Raises Conflict
    before the grace period ends, ImproperlyConfigured when the registry cannot be honoured."""
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if erasure.status != ErasureRequest.Status.SCHEDULED:
        return erasure
    now = timezone.now()
    if erasure.purge_after > now:
        raise Conflict("The grace period is not over yet.", code="grace_period")
    user = (
        User.objects.select_for_update().filter(pk=erasure.user_id).first()
        if erasure.user_id is not None
        else None
    )
    if user is not None and user.is_active:
        # Reactivated by staff since the request: the person keeps their account.
        erasure.status = ErasureRequest.Status.CANCELLED
        erasure.cancelled_at = now
        erasure.save(update_fields=["status", "cancelled_at"])
        audit("erasure.cancelled", subject=user, erasure_request=erasure.pk, reason="active")
        return erasure
    deleted = 0
    if user is not None:
        problems = classification_problems()
        if problems:
            raise ImproperlyConfigured(" ".join(problems))
        end_sessions(user)
        friendships_changed(user.pk)  # their friends' networks lose them with the rows below
        files: list[tuple[Storage, str]] = []
        entries = sorted(REGISTRY.values(), key=lambda entry: entry.key)
        for entry in entries:
            if entry.before_erasure is not None:
                entry.before_erasure(user)
        for entry in entries:
            if entry.also_delete is not None:
                count, entry_files = _delete_with_files(entry.also_delete(user))
                deleted += count
                files += entry_files
        for entry in entries:
            if entry.erasure == Erasure.DELETE:
                count, entry_files = _delete_with_files(_rows_of(entry, user))
                deleted += count
                files += entry_files
            elif entry.erasure == Erasure.ANONYMISE:
                _rows_of(entry, user).update(**{entry.field: None})
        # Written while the account exists, so it carries the subject's pseudonym; the link is
        # cleared with the others when the account row goes.
        audit("erasure.completed", subject=user, erasure_request=erasure.pk, rows_deleted=deleted)
        count, account_files = _delete_with_files(User._base_manager.filter(pk=user.pk))
        files += account_files
        _delete_files_after_commit(files)
    erasure.refresh_from_db(fields=["user"])
    erasure.status = ErasureRequest.Status.COMPLETED
    erasure.completed_at = now
    erasure.save(update_fields=["status", "completed_at"])
    return erasure


def purge_due_erasures() -> int:
    """Purge every scheduled request whose grace period is over; returns how many were done.
    Each purge is its own transaction, so one failure is logged and does not hold back the
    others (the failed one stays scheduled and is tried again on the next run)."""
    due = ErasureRequest.objects.filter(
        status=ErasureRequest.Status.SCHEDULED, purge_after__lte=timezone.now()
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(due):
        try:
            erasure = purge_user(ErasureRequest.objects.get(pk=pk))
        except Exception:
            logger.exception("Purging erasure request %s failed", pk)
            continue
        if erasure.status == ErasureRequest.Status.COMPLETED:
            done += 1
    return done
