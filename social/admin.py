"""The social graph in the Django admin: moderators look at posts and comments, topics are
curated by staff. Friendships and circles are people's private arrangement: read-only here."""

from __future__ import annotations

from django.contrib import admin, messages

from social.models import Block, Comment, FriendRequest, Friendship, Notification, Post, Topic


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _set_hidden(modeladmin, request, queryset, hidden: bool) -> None:
    """Hide or restore posts or comments. Each change is logged, so it is also in the audit log
    (`privacy.audit.audit_admin_action`); reports about them are resolved in the report queue."""
    changed = 0
    for item in queryset.filter(hidden=not hidden):
        item.hidden = hidden
        item.save(update_fields=["hidden"])
        modeladmin.log_change(request, item, "Hidden by a moderator." if hidden else "Restored.")
        changed += 1
    verb = "hidden" if hidden else "restored"
    modeladmin.message_user(request, f"{changed} {verb}.", messages.SUCCESS)


@admin.action(description="Hide from everyone but the author", permissions=["change"])
def hide(modeladmin, request, queryset) -> None:
    _set_hidden(modeladmin, request, queryset, True)


@admin.action(description="Restore (show again)", permissions=["change"])
def restore(modeladmin, request, queryset) -> None:
    _set_hidden(modeladmin, request, queryset, False)


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "text", "hidden", "created_at"]
    readonly_fields = ["author", "created_at"]
    raw_id_fields = ["author"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "short_text", "audience", "hidden", "created_at"]
    list_filter = ["hidden", "audience", "created_at"]
    search_fields = ["text", "author__email", "author__profile__display_name"]
    raw_id_fields = ["author"]
    readonly_fields = ["created_at", "updated_at"]
    filter_horizontal = ["circles"]
    date_hierarchy = "created_at"
    inlines = [CommentInline]
    list_select_related = ["author__profile"]
    actions = [hide, restore]

    @admin.display(description="text")
    def short_text(self, post: Post) -> str:
        return post.text[:80]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "post", "text", "hidden", "created_at"]
    list_filter = ["hidden"]
    search_fields = ["text", "author__email"]
    raw_id_fields = ["author", "post"]
    list_select_related = ["author"]
    actions = [hide, restore]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "keywords"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FriendRequest)
class FriendRequestAdmin(ReadOnlyAdmin):
    list_display = ["from_user", "to_user", "status", "created_at", "responded_at"]
    list_filter = ["status"]
    search_fields = ["from_user__email", "to_user__email"]


@admin.register(Friendship)
class FriendshipAdmin(ReadOnlyAdmin):
    list_display = ["user", "friend", "tie_strength", "created_at"]
    search_fields = ["user__email", "friend__email"]


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    search_fields = ["blocker__email", "blocked__email"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__email"]
