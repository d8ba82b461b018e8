"""Accounts in the Django admin. A person's profile is theirs: read-only here. Moderators
suspend, restore or warn a person with the moderation actions (`config.admin.ModeratedAdmin`,
each through `marketplace.services.reports`, audited); superusers also manage staff rights."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied

from accounts.models import Interest, Profile, User
from config.admin import ModerationPermission, ReadOnlyAdmin, moderation_action


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = readonly_fields = (
        "display_name",
        "bio",
        "avatar",
        "home_place",
        "home_latitude",
        "home_longitude",
        "interests",
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ModerationPermission, BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "profile__display_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [ProfileInline]
    actions = [moderation_action(action) for action in ("suspend", "restore", "warn")]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    # Staff who are not superusers (moderators) may suspend, restore or warn a person with the
    # actions, nothing more: the change form is read-only for them (no address or password
    # change, an account takeover; no rights, an escalation).
    moderator_fieldsets = [
        (None, {"fields": ["email"]}),
        ("Status", {"fields": ["is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.moderator_fieldsets
        return super().get_fieldsets(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if not request.user.is_superuser:
            return False  # moderators act through the moderation actions
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(ordering="profile__display_name")
    def display_name(self, user: User) -> str:
        return user.display_name


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "user", "home_place", "updated_at"]
    search_fields = ["display_name", "user__email", "home_place"]
    list_filter = ["interests"]
    autocomplete_fields = ["user", "interests"]
    list_select_related = ["user"]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
