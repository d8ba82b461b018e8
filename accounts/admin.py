from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Interest, Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = [
        "display_name",
        "bio",
        "avatar",
        "home_place",
        "home_latitude",
        "home_longitude",
        "interests",
    ]
    autocomplete_fields = ["interests"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "profile__display_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [ProfileInline]
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

    @admin.display(ordering="profile__display_name")
    def display_name(self, user: User) -> str:
        return user.display_name


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
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
