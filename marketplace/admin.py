"""The marketplace in the Django admin: staff curate the catalog, moderators work the report
queue. Every model is here with columns, filters, search and autocomplete.

What people make (listings, offers, purchases, reviews, messages...) is read-only here: it changes
through the site, whose services keep its lifecycle. Moderation actions (hide, restore, warn,
suspend, dismiss) call `marketplace.services.reports` (`config.admin.ModeratedAdmin`), so the
audit log and the reporters' notifications happen whichever page they start from. The circles a
listing or review was shared with are people's private arrangement: not shown.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from config.admin import (
    ModeratedAdmin,
    ModerationPermission,
    ReadOnlyAdmin,
    ReadOnlyInline,
    moderation_action,
)
from config.errors import DomainError
from marketplace.models import (
    Appeal,
    Brand,
    BrandClaim,
    BrandComment,
    BrandOffer,
    BrandPost,
    Campaign,
    CatalogSuggestion,
    Category,
    Conversation,
    HelpfulVote,
    Listing,
    ListingPhoto,
    Message,
    ModerationDecision,
    Offer,
    ProductModel,
    Purchase,
    Question,
    Rating,
    Report,
    Review,
    SavedSearch,
    Watch,
)
from marketplace.services import appeals, brands, catalog_suggestions, reports

PEOPLE_SEARCH = ["email", "profile__display_name"]


def _people(*fields: str) -> list[str]:
    return [f"{field}__{part}" for field in fields for part in PEOPLE_SEARCH]


def _admin_link(obj) -> str:
    """A link to `obj`'s admin page, or its name when it has none."""
    if obj is None:
        return "—"
    meta = obj._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(obj)
    return format_html('<a href="{}">{}</a>', url, reports.describe(obj))


# --- Catalog ---------------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "topic", "position", "slug"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent", "topic"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent__parent", "topic"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "product_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description="products", ordering="product_count")
    def product_count(self, brand) -> int:
        return brand.product_count


class MergeTargetForm(forms.Form):
    """The catalog entry a brand or model suggestion merges into."""

    brand = forms.ModelChoiceField(queryset=Brand.objects.all(), required=False)
    product_model = forms.ModelChoiceField(
        queryset=ProductModel.objects.select_related("brand"), required=False, label="Model"
    )


@admin.register(CatalogSuggestion)
class CatalogSuggestionAdmin(admin.ModelAdmin):
    """Brands and models sellers named: merge each into the catalog entry it means, add it, or
    reject it. Each action goes through `marketplace.services.catalog_suggestions`, which moves
    the listings that named it."""

    list_display = ["name", "kind", "category", "brand", "status", "listings_naming", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]
    list_select_related = ["category__parent", "brand"]
    readonly_fields = [
        "kind",
        "name",
        "category",
        "brand",
        "suggested_by",
        "status",
        "created_at",
        "resolved_at",
    ]
    actions = ["merge_into", "add_to_catalog", "reject"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="listings naming it")
    def listings_naming(self, suggestion) -> int:
        return catalog_suggestions.listings_naming(suggestion).count()

    def _each(self, request, queryset, act, done: str) -> None:
        count = 0
        for suggestion in queryset:
            try:
                act(suggestion)
            except DomainError as error:
                self.message_user(request, f"{suggestion.name}: {error.message}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(count=count), messages.SUCCESS)

    @admin.action(description="Add to the catalog", permissions=["change"])
    def add_to_catalog(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: catalog_suggestions.suggestion_add(staff=request.user, suggestion=s),
            "{count} added to the catalog; their listings point to it.",
        )

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: catalog_suggestions.suggestion_reject(staff=request.user, suggestion=s),
            "{count} rejected.",
        )

    @admin.action(description="Merge into an existing brand or model…", permissions=["change"])
    def merge_into(self, request, queryset):
        form = MergeTargetForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            target = form.cleaned_data
            self._each(
                request,
                queryset,
                lambda s: catalog_suggestions.suggestion_merge(
                    staff=request.user,
                    suggestion=s,
                    brand=target["brand"],
                    product_model=target["product_model"],
                ),
                "{count} merged; their listings point to the catalog entry.",
            )
            return None
        return TemplateResponse(
            request,
            "admin/marketplace/catalogsuggestion/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge suggestions into the catalog",
                "suggestions": queryset,
                "form": form,
                "opts": self.model._meta,
            },
        )


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "brand", "category", "slug"]
    list_filter = [("category", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "brand__name"]
    autocomplete_fields = ["brand", "category"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["brand", "category__parent"]


# --- Listings and deals ----------------------------------------------------------------------


class ListingPhotoInline(ReadOnlyInline):
    model = ListingPhoto
    fields = ["thumbnail_preview", "position", "created_at"]
    readonly_fields = ["thumbnail_preview", "created_at"]

    @admin.display(description="photo")
    def thumbnail_preview(self, photo) -> str:
        if not photo.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" height="60">', photo.thumbnail.url)


@admin.register(Listing)
class ListingAdmin(ModeratedAdmin):
    list_display = [
        "title",
        "seller",
        "category",
        "price",
        "currency",
        "status",
        "audience",
        "hidden",
        "published_at",
    ]
    list_filter = ["status", "hidden", "audience", "condition", "currency", "published_at"]
    search_fields = ["title", "description", "place", *_people("seller")]
    autocomplete_fields = ["seller", "category", "product_model", "brand"]
    exclude = ["circles"]
    date_hierarchy = "created_at"
    inlines = [ListingPhotoInline]
    list_select_related = ["seller__profile", "category__parent"]


@admin.register(ListingPhoto)
class ListingPhotoAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "listing", "position", "created_at"]
    search_fields = ["listing__title"]
    autocomplete_fields = ["listing"]
    list_select_related = ["listing"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "listing", "asker", "answered_at", "created_at"]
    list_filter = [("answered_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["text", "answer", "listing__title", *_people("asker")]
    autocomplete_fields = ["listing", "asker"]
    list_select_related = ["listing", "asker__profile"]


class MessageInline(ReadOnlyInline):
    model = Message
    readonly_fields = ("sender", "text", "created_at", "read_at")
    fields = readonly_fields


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "listing", "buyer", "created_at", "updated_at"]
    search_fields = ["listing__title", *_people("buyer")]
    autocomplete_fields = ["listing", "buyer"]
    inlines = [MessageInline]
    list_select_related = ["listing", "buyer__profile"]


@admin.register(Message)
class MessageAdmin(ModeratedAdmin):
    list_display = ["__str__", "sender", "conversation", "created_at", "read_at"]
    list_filter = ["created_at"]
    search_fields = ["text", *_people("sender")]
    autocomplete_fields = ["conversation", "sender"]
    list_select_related = ["sender__profile", "conversation"]
    moderation = ("warn", "suspend")  # a private message can't be hidden


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ["listing", "buyer", "amount", "status", "created_at", "responded_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["listing__title", *_people("buyer")]
    autocomplete_fields = ["listing", "buyer"]
    list_select_related = ["listing", "buyer__profile"]


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "buyer",
        "seller",
        "product_model",
        "category",
        "price",
        "verified",
        "purchased_on",
    ]
    list_filter = ["verified", ("category", admin.RelatedOnlyFieldListFilter), "purchased_on"]
    search_fields = ["description", "product_model__name", "brand__name", *_people("buyer")]
    autocomplete_fields = ["buyer", "seller", "listing", "product_model", "category", "brand"]
    list_select_related = ["buyer__profile", "seller__profile", "product_model__brand", "category"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "rater", "ratee", "stars", "line", "created_at"]
    list_filter = ["stars"]
    search_fields = ["line", *_people("rater", "ratee")]
    autocomplete_fields = ["purchase", "rater", "ratee"]
    list_select_related = ["rater__profile", "ratee__profile"]


# --- Reviews ---------------------------------------------------------------------------------


@admin.register(Review)
class ReviewAdmin(ModeratedAdmin):
    list_display = [
        "title",
        "author",
        "product_model",
        "rating",
        "would_recommend",
        "verified_purchase",
        "audience",
        "hidden",
        "created_at",
    ]
    list_filter = ["hidden", "rating", "would_recommend", "audience", "created_at"]
    search_fields = ["title", "text", "product_model__name", *_people("author")]
    autocomplete_fields = ["author", "product_model", "purchase"]
    exclude = ["circles"]
    date_hierarchy = "created_at"
    list_select_related = ["author__profile", "product_model__brand", "purchase"]

    @admin.display(boolean=True, description="verified")
    def verified_purchase(self, review) -> bool:
        return review.verified


@admin.register(HelpfulVote)
class HelpfulVoteAdmin(ReadOnlyAdmin):
    list_display = ["review", "voter", "created_at"]
    search_fields = ["review__title", *_people("voter")]
    autocomplete_fields = ["review", "voter"]
    list_select_related = ["review", "voter__profile"]


# --- Saved searches and the watchlist ----------------------------------------------------------


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "owner", "category", "max_price", "radius_km", "created_at"]
    list_filter = [("category", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["query", *_people("owner")]
    autocomplete_fields = ["owner", "category"]
    list_select_related = ["owner__profile", "category"]


@admin.register(Watch)
class WatchAdmin(ReadOnlyAdmin):
    list_display = ["user", "listing", "created_at"]
    search_fields = ["listing__title", *_people("user")]
    autocomplete_fields = ["user", "listing"]
    list_select_related = ["user__profile", "listing"]


# --- The moderation queue ----------------------------------------------------------------------


class ReportedKindFilter(admin.SimpleListFilter):
    title = "kind of thing"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.name, kind.label.capitalize()) for kind in reports.KINDS.values()]

    def queryset(self, request, queryset):
        kind = reports.KINDS.get(self.value() or "")
        if kind is None:
            return queryset
        return queryset.filter(content_type=ContentType.objects.get_for_model(kind.model))


class AppealedFilter(admin.SimpleListFilter):
    """Reports whose thing was hidden and its owner appealed, waiting for a moderator."""

    title = "appeal"
    parameter_name = "appeal"

    def lookups(self, request, model_admin):
        return [("pending", "Appeal waiting"), ("any", "Appealed")]

    def queryset(self, request, queryset):
        if self.value() not in ("pending", "any"):
            return queryset
        appealed = ModerationDecision.objects.filter(
            appeal__isnull=False,
            content_type_id=OuterRef("content_type_id"),
            object_id=OuterRef("object_id"),
        )
        if self.value() == "pending":
            appealed = appealed.filter(appeal__outcome=Appeal.Outcome.PENDING)
        return queryset.filter(Exists(appealed))


def _resolve(action: str):
    """Resolve each selected report with `action`; a note the moderator wrote on an open report
    goes with it."""

    def on(request, report) -> None:
        note = report.resolution if report.status == Report.Status.OPEN else ""
        reports.report_resolve(moderator=request.user, report=report, action=action, note=note)

    return on


def _report_action(action: str, description: str):
    return moderation_action(action, prefix="report", on=_resolve(action), description=description)


@admin.register(Report)
class ReportAdmin(ModerationPermission, admin.ModelAdmin):
    list_display = [
        "created_at",
        "reason",
        "kind",
        "target_link",
        "reporter",
        "status",
        "moderator",
        "resolved_at",
    ]
    # The kind filter lists only what can be reported (not every content type of the project).
    list_filter = ["status", "reason", ReportedKindFilter, AppealedFilter, "created_at"]
    search_fields = ["note", "resolution", *_people("reporter")]
    autocomplete_fields = ["reporter", "moderator"]
    change_form_template = "admin/marketplace/report/change_form.html"
    fields = [
        "reporter",
        "reason",
        "note",
        "target_link",
        "preview",
        "status",
        "resolution",
        "moderator",
        "created_at",
        "resolved_at",
    ]
    readonly_fields = [
        "reporter",
        "reason",
        "note",
        "target_link",
        "preview",
        "status",
        "moderator",
        "created_at",
        "resolved_at",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["reporter__profile", "moderator__profile", "content_type"]
    actions = [
        _report_action("hide", "Hide the reported thing (a person: suspend)"),
        _report_action("restore", "Restore the reported thing"),
        _report_action("warn", "Warn its owner"),
        _report_action("suspend", "Suspend the owner's account"),
        _report_action("dismiss", "Dismiss: no action needed"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    def has_add_permission(self, request) -> bool:
        return False  # reports come from members, through the report form

    def get_readonly_fields(self, request, obj=None):
        # The resolution is the moderator's note for the action they are about to take; once
        # a report is resolved it is the record of what was done.
        if obj is not None and obj.status != Report.Status.OPEN:
            return [*self.readonly_fields, "resolution"]
        return self.readonly_fields

    @admin.display(description="kind", ordering="content_type")
    def kind(self, report) -> str:
        return report.content_type.model

    @admin.display(description="reported")
    def target_link(self, report) -> str:
        return _admin_link(report.target)

    @admin.display(description="what was reported")
    def preview(self, report) -> SafeString:
        """What the reported thing shows people, so a moderator decides without leaving."""
        return _preview(report.target)

    # --- The actions on the report's own page (each through the moderation service) ---------

    def get_urls(self):
        act = self.admin_site.admin_view(require_POST(self.act_view))
        return [
            path("<path:object_id>/act/", act, name="marketplace_report_act"),
            *super().get_urls(),
        ]

    def act_view(self, request, object_id: str):
        """POST `action` (hide, restore, warn, suspend, dismiss) and an optional `note` from the
        report's page: `reports.report_resolve`, then back to the page with what happened."""
        if not reports.can_moderate(request.user):
            raise PermissionDenied
        report = get_object_or_404(Report, pk=object_id if object_id.isdigit() else 0)
        action = request.POST.get("action", "")
        back = reverse("admin:marketplace_report_change", args=[report.pk])
        try:
            reports.report_resolve(
                moderator=request.user,
                report=report,
                action=action,
                note=request.POST.get("note", ""),
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(
                request,
                f"Done: {reports.OUTCOMES[action]}. The reporters are told.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(back)

    def render_change_form(self, request, context, *args, **kwargs):
        obj = kwargs.get("obj")
        context["moderation_actions"] = (
            REPORT_PAGE_ACTIONS if obj is not None and reports.can_moderate(request.user) else []
        )
        return super().render_change_form(request, context, *args, **kwargs)


REPORT_PAGE_ACTIONS = [
    (
        "hide",
        "Hide",
        "Hide it from everyone but its owner (a person: suspend); the owner may appeal.",
    ),
    ("restore", "Restore", "Show it again; the owner is told."),
    ("warn", "Warn", "Tell the owner, with your note."),
    ("suspend", "Suspend", "Deactivate the owner's account."),
    ("dismiss", "Dismiss", "Nothing breaks the rules."),
]


def _preview(target) -> SafeString:
    """A read-only preview of a reported thing, as people see it."""
    context: dict = {"target": target, "kind": None}
    if target is not None:
        context["kind"] = reports.kind_of(target).name
        if isinstance(target, Listing):
            context["photo"] = target.photos.order_by("position", "pk").first()
    return render_to_string("admin/marketplace/report/_preview.html", context)


# --- Appeals -------------------------------------------------------------------------------------


def _restore_appealed(request, appeal) -> None:
    target = appeal.decision.target
    if target is None:
        raise DomainError("What was hidden no longer exists.", code="target_gone")
    reports.content_moderate(moderator=request.user, target=target, action="restore")


def _uphold(request, appeal) -> None:
    appeals.appeal_uphold(moderator=request.user, appeal=appeal)


class PendingFirstFilter(admin.SimpleListFilter):
    """The queue opens on the appeals waiting for a moderator."""

    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [*Appeal.Outcome.choices, ("all", "All")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or Appeal.Outcome.PENDING) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or Appeal.Outcome.PENDING
        return queryset if value == "all" else queryset.filter(outcome=value)


@admin.register(Appeal)
class AppealAdmin(ModerationPermission, ReadOnlyAdmin):
    """The appeals queue: owners' appeals against what a moderator hid. Restore shows the thing
    again (the moderation service, as from a report); uphold keeps it hidden. Either way the
    owner is told."""

    list_display = ["appeal_text", "decision_target", "reason", "outcome", "created_at"]
    list_filter = [PendingFirstFilter, "created_at"]
    search_fields = ["text", "decision__reason", *_people("decision__owner")]
    fields = readonly_fields = (
        "decision_target",
        "owner",
        "reason",
        "hidden_on",
        "text",
        "outcome",
        "moderator",
        "created_at",
        "decided_at",
    )
    list_select_related = ["decision__owner__profile", "decision__content_type"]
    actions = [
        moderation_action(
            "restore",
            prefix="appeal",
            on=_restore_appealed,
            description="Restore the hidden thing (the appeal is accepted; audited)",
        ),
        moderation_action(
            "uphold",
            prefix="appeal",
            on=_uphold,
            description="Uphold the decision: keep it hidden (audited)",
        ),
    ]

    def has_view_permission(self, request, obj=None) -> bool:
        return reports.can_moderate(request.user)  # whoever works the report queue

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("decision__target")

    @admin.display(description="hidden")
    def decision_target(self, appeal) -> str:
        return _admin_link(appeal.decision.target)

    @admin.display(description="owner")
    def owner(self, appeal):
        return appeal.decision.owner

    @admin.display(description="moderator's reason")
    def reason(self, appeal) -> str:
        return appeal.decision.reason

    @admin.display(description="hidden on")
    def hidden_on(self, appeal):
        return appeal.decision.created_at

    @admin.display(description="appeal")
    def appeal_text(self, appeal) -> str:
        return appeal.text if len(appeal.text) <= 80 else appeal.text[:79] + "…"


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(ReadOnlyAdmin):
    """What moderators hid, why, and when it was restored: the record behind each appeal."""

    list_display = ["created_at", "target_link", "owner", "reason", "moderator", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["reason", *_people("owner")]
    list_select_related = ["owner__profile", "moderator__profile", "content_type"]

    def has_view_permission(self, request, obj=None) -> bool:
        return reports.can_moderate(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description="hidden")
    def target_link(self, decision) -> str:
        return _admin_link(decision.target)


# --- The brand side ---------------------------------------------------------------------------


@admin.register(BrandClaim)
class BrandClaimAdmin(admin.ModelAdmin):
    """Members asking to run a brand's page: approve (they can then post as the brand) or
    reject (also how an approved manager is removed). Through `marketplace.services.brands`."""

    list_display = ["member", "brand", "status", "note", "created_at", "decided_at"]
    list_filter = ["status", ("brand", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["brand__name", "note", *_people("member")]
    list_select_related = ["member__profile", "brand"]
    readonly_fields = [
        "brand",
        "member",
        "note",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    actions = ["approve", "reject"]

    def has_add_permission(self, request) -> bool:
        return False

    def _decide(self, request, queryset, *, approve: bool) -> None:
        decided = brands.brand_claims_decide(
            staff=request.user, claim_ids=queryset.values_list("pk", flat=True), approve=approve
        )
        verb = "approved: they run the page" if approve else "rejected"
        self.message_user(request, f"{len(decided)} claim(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Approve: let them run the page", permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject, or remove a manager", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)


@admin.register(BrandPost)
class BrandPostAdmin(ModeratedAdmin):
    list_display = ["brand", "text", "author", "hidden", "created_at"]
    list_filter = ["hidden", ("brand", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "brand__name"]
    list_select_related = ["brand", "author__profile"]


@admin.register(BrandComment)
class BrandCommentAdmin(ModeratedAdmin):
    list_display = ["brand", "text", "author", "audience", "hidden", "created_at"]
    list_filter = ["hidden", "audience"]
    search_fields = ["text", "brand__name", *_people("author")]
    exclude = ["circles"]
    list_select_related = ["brand", "author__profile"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    """Brands' feedback campaigns, for staff to look into a complaint. Who answered what is not
    here: answers are the participants' own, and the brand sees only noisy totals."""

    list_display = ["title", "brand", "kind", "starts_at", "ends_at", "min_participants"]
    list_filter = ["kind", ("brand", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "question", "brand__name"]
    list_select_related = ["brand"]
    exclude = ["created_by"]


@admin.register(BrandOffer)
class BrandOfferAdmin(ModeratedAdmin):
    list_display = ["brand", "title", "starts_at", "ends_at", "hidden"]
    list_filter = ["hidden", ("brand", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "text", "brand__name"]
    list_select_related = ["brand"]
    exclude = ["created_by"]
