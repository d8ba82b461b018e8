"""The social graph in the Django admin: moderators look at posts and comments and act on them
with the moderation actions (`config.admin.ModeratedAdmin`: hide, restore, warn, each audited);
topics are curated by staff. Friendships and circles are people's private arrangement: read-only
here."""

from __future__ import annotations

from django.contrib import admin

from config.admin import ModeratedAdmin, ReadOnlyAdmin, ReadOnlyInline
from social.models import Block, Comment, FriendRequest, Friendship, Notification, Post, Topic


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = readonly_fields = ("author", "text", "hidden", "created_at")


@admin.register(Post)
class PostAdmin(ModeratedAdmin):
    list_display = ["id", "author", "short_text", "audience", "hidden", "created_at"]
    list_filter = ["hidden", "audience", "created_at"]
    search_fields = ["text", "author__email", "author__profile__display_name"]
    exclude = ["circles"]  # who a post was shared with is the author's private arrangement
    date_hierarchy = "created_at"
    inlines = [CommentInline]
    list_select_related = ["author__profile"]

    @admin.display(description="text")
    def short_text(self, post: Post) -> str:
        return post.text[:80]


@admin.register(Comment)
class CommentAdmin(ModeratedAdmin):
    list_display = ["id", "author", "post", "text", "hidden", "created_at"]
    list_filter = ["hidden"]
    search_fields = ["text", "author__email"]
    list_select_related = ["author"]


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
