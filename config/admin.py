"""The kinds of admin page every app's admin.py builds on, so the admin is never a second write
path beside the services.

- `ReadOnlyAdmin`: rows people write through the site (offers, friendships, settings...) or runs
  write (influence scores); staff look, nobody adds or changes them here.
- `LedgerAdmin`: records nobody may delete either (the audit log, the consent ledger).
- `ModeratedAdmin`: things people own that moderators act on (listings, reviews, posts,
  comments, messages, accounts). Read-only as well; the only writes are its moderation actions,
  which call `marketplace.services.reports.content_moderate` for each selected row, as the report
  queue does, so the audit event, the closing of open reports and every notification are the
  service's, whichever page a moderator starts from.

Admin modules load after every app, so this one may import the moderation service of the
marketplace while the social and accounts admins build on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import admin, messages

from config.errors import DomainError
from marketplace.services import reports

MODERATION_LABELS = {
    "hide": "Hide from everyone but the owner (audited)",
    "restore": "Restore: show again (audited)",
    "warn": "Warn the owner (audited)",
    "suspend": "Suspend the owner's account (audited)",
    "dismiss": "Dismiss: no action needed (audited)",
}


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class LedgerAdmin(ReadOnlyAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _apply_each(
    modeladmin, request, targets: Iterable, action: str, act: Callable[[object], None]
) -> None:
    """Call `act` on each selected row, each in its own transaction (the service's); say how
    many were done and why each refused one was refused."""
    done, refused = 0, []
    for obj in targets:
        try:
            act(obj)
        except DomainError as error:
            refused.append(f"{obj}: {error.message}")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, f"{action.capitalize()}: {done} done.", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


def moderation_action(action: str, *, prefix: str = "moderate", on=None, description: str = ""):
    """An admin action that applies the moderation `action` to each selected row through
    `marketplace.services.reports`: `on(request, obj)` does it (by default `content_moderate`
    on the row itself). Offered to moderators only (`has_moderate_permission`)."""

    def act_on_content(request, obj) -> None:
        reports.content_moderate(moderator=request.user, target=obj, action=action)

    act = on or act_on_content

    def run(modeladmin, request, queryset) -> None:
        _apply_each(modeladmin, request, queryset, action, lambda obj: act(request, obj))

    run.__name__ = f"{prefix}_{action}"
    return admin.action(
        description=description or MODERATION_LABELS[action], permissions=["moderate"]
    )(run)


class ModerationPermission:
    """The "moderate" permission of `moderation_action`: who `reports.can_moderate`."""

    def has_moderate_permission(self, request) -> bool:
        return reports.can_moderate(request.user)


class ModeratedAdmin(ModerationPermission, ReadOnlyAdmin):
    """Read-only, with the moderation actions named in `moderation`."""

    moderation: tuple[str, ...] = ("hide", "restore", "warn")

    def __init__(self, model, admin_site) -> None:
        super().__init__(model, admin_site)
        self.actions = [*(self.actions or ()), *map(moderation_action, self.moderation)]
