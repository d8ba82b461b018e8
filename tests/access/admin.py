"""Access-matrix rows for the Django admin (helpers: tests/access/engine.py).

Every model's changelist, the change page of what the cast owns, the change form's POST (refused:
the admin is read-only for what people own) and each moderation action's POST.

The cast's moderator is staff without rights; these rows first put them in the "Moderators" group
(migration marketplace 0004), inside the row's transaction, so the table says what a moderator
may do. Members are staff of nothing: the admin sends them, like visitors, to its sign-in (302).
Superusers are not in the cast; marketplace/tests/test_admin.py covers them.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from marketplace.models import Appeal, Listing, Report
from marketplace.services.appeals import appeal_create
from marketplace.services.reports import report_create
from privacy.models import AuditEvent
from social.models import Comment, Notification, Post
from tests.access.engine import page, per, sees
from tests.access.market_listings import owner_listing
from tests.factories import hide_with_decision, moderators

# Members and visitors are sent to the admin's sign-in; the moderator gets `status`.
STAFF_ONLY = 302


def as_moderators(build):
    """`build(c)`, after putting the cast's moderator in the Moderators group."""

    def url(c) -> str:
        c["moderator"].groups.add(moderators())
        return build(c)

    return url


def changelist(app: str, model: str, moderator: int, **kwargs):
    return page(
        f"admin/{app}/{model}/",
        as_moderators(lambda c: reverse(f"admin:{app}_{model}_changelist")),
        per(STAFF_ONLY, moderator=moderator),
        **kwargs,
    )


def change_page(app: str, model: str, target, moderator: int = 200, **kwargs):
    return page(
        f"admin/{app}/{model}/<path:object_id>/change/",
        as_moderators(lambda c: reverse(f"admin:{app}_{model}_change", args=[target(c).pk])),
        per(STAFF_ONLY, moderator=moderator),
        **kwargs,
    )


def action(app: str, model: str, name: str, target, state, changes: str = "moderator"):
    """POST the changelist's action `name` on `target(c)`."""
    url = reverse(f"admin:{app}_{model}_changelist")
    chosen = {}

    def build(c) -> str:
        chosen["pk"] = target(c).pk
        return url

    return page(
        f"admin/{app}/{model}/",
        as_moderators(build),
        per(STAFF_ONLY, moderator=302),
        label=name,
        method="POST",
        body=lambda c: {"action": name, "_selected_action": [chosen["pk"]]},
        state=state,
        changes=changes,
    )


# What the moderator reads in each list: every post and comment, whoever may see it elsewhere.
ALL_POSTS = "public members fof friends circle_a only_me a_friends b_public"
ALL_COMMENTS = "comment_a comment_b public"  # with the post each is on

# Moderators look at what people own and the catalog, and read the audit log (200); the rest is
# for superusers (403).
MODERATOR_READS = {
    "accounts": {"user": 200, "profile": 200, "interest": 403},
    "social": {
        "post": 200,
        "comment": 200,
        "topic": 403,
        "friendrequest": 403,
        "friendship": 403,
        "block": 403,
        "notification": 403,
    },
    "privacy": {
        "auditevent": 200,
        "consentrecord": 403,
        "exportrequest": 403,
        "erasurerequest": 403,
    },
    "marketplace": {
        "category": 200,
        "brand": 200,
        "productmodel": 200,
        "listing": 200,
        "listingphoto": 200,
        "question": 200,
        "conversation": 200,
        "message": 200,
        "offer": 200,
        "purchase": 200,
        "rating": 200,
        "review": 200,
        "helpfulvote": 200,
        "savedsearch": 403,
        "watch": 403,
        "report": 200,
        "appeal": 200,
        "moderationdecision": 200,
        "catalogsuggestion": 403,
        "brandclaim": 403,
        "brandpost": 200,
        "brandcomment": 200,
        "campaign": 403,
        "brandoffer": 200,
    },
    "recommendations": {"influencerun": 403, "influencescore": 403},
}
LIST_SHOWS = {
    ("social", "post"): sees(moderator=ALL_POSTS),
    ("social", "comment"): sees(moderator=ALL_COMMENTS),
}


def public_post(c) -> Post:
    return c["posts"]["public"]


def owner_listing_hidden(c):
    return list(Listing.objects.filter(seller=c["owner"]).values_list("hidden", flat=True))


def public_post_state(c):
    return Post.objects.filter(pk=public_post(c).pk).values_list("text", "audience", "hidden")[0]


def comment_hidden(c):
    return Comment.objects.get(pk=c["comment"].pk).hidden


def owner_active(c):
    return User.objects.get(pk=c["owner"].pk).is_active


def owner_warnings(c):
    return Notification.objects.filter(recipient=c["owner"], kind="moderation_warning").count()


def moderation_events(c):
    return AuditEvent.objects.filter(action__startswith="moderation.").count()


def reported_post(c) -> Report:
    return report_create(reporter=c["stranger"], target=public_post(c), reason="spam")


def reports_and_post(c):
    return (
        list(Report.objects.values_list("status", flat=True)),
        Post.objects.get(pk=public_post(c).pk).hidden,
    )


def appealed(c) -> Appeal:
    """The owner's public listing, hidden by a moderator; the owner appealed."""
    decision = hide_with_decision(owner_listing()(c), reason="Looks like a scam")
    return appeal_create(owner=c["owner"], decision=decision, text="It is my own bike.")


def appeal_and_listing(c):
    return (
        list(Appeal.objects.values_list("outcome", flat=True)),
        owner_listing_hidden(c),
        owner_notices(c),
    )


def owner_notices(c):
    return sorted(Notification.objects.filter(recipient=c["owner"]).values_list("kind", flat=True))


def report_act(action_name: str):
    """POST an action from the report's own page (`ReportAdmin.act_view`)."""
    chosen = {}

    def build(c) -> str:
        chosen["pk"] = reported_post(c).pk
        return reverse("admin:marketplace_report_act", args=[chosen["pk"]])

    return page(
        "admin/marketplace/report/<path:object_id>/act/",
        as_moderators(build),
        per(STAFF_ONLY, moderator=302),
        label=action_name,
        method="POST",
        body=lambda c: {"action": action_name, "note": "Spam links"},
        state=lambda c: (reports_and_post(c), owner_warnings(c), moderation_events(c)),
        changes="moderator",
    )


ROWS = [
    *[
        changelist(app, model, status, shows=LIST_SHOWS.get((app, model)))
        for app, models in MODERATOR_READS.items()
        for model, status in models.items()
    ],
    change_page(
        "social",
        "post",
        public_post,
        shows=sees(moderator="public comment_a comment_b"),
    ),
    change_page(
        "social", "comment", lambda c: c["comment"], shows=sees(moderator="comment_a public")
    ),
    change_page("accounts", "user", lambda c: c["owner"], shows=sees(moderator="bio")),
    change_page("accounts", "profile", lambda c: c["owner"].profile, shows=sees(moderator="bio")),
    change_page("social", "friendrequest", lambda c: c["request"], moderator=403),
    change_page("marketplace", "listing", owner_listing()),
    change_page("marketplace", "report", reported_post, shows=sees(moderator="public")),
    # The change form is read-only for what people own: its POST changes nothing.
    page(
        "admin/social/post/<path:object_id>/change/",
        as_moderators(lambda c: reverse("admin:social_post_change", args=[public_post(c).pk])),
        per(STAFF_ONLY, moderator=403),
        label="edit the text",
        method="POST",
        body=lambda c: {"text": "Rewritten", "audience": "only_me", "hidden": "on"},
        state=public_post_state,
    ),
    page(
        "admin/marketplace/listing/<path:object_id>/change/",
        as_moderators(
            lambda c: reverse("admin:marketplace_listing_change", args=[owner_listing()(c).pk])
        ),
        per(STAFF_ONLY, moderator=403),
        label="edit the price and status",
        method="POST",
        body=lambda c: {"price": "1", "status": "sold", "seller": c["stranger"].pk},
        state=lambda c: list(Listing.objects.values_list("price", "status", "seller_id")),
    ),
    # Each action goes through the moderation service: audited, as the report queue's are.
    action("social", "post", "moderate_hide", public_post, reports_and_post),
    action("social", "post", "moderate_restore", public_post, moderation_events),
    action("social", "post", "moderate_warn", public_post, owner_warnings),
    action("social", "comment", "moderate_hide", lambda c: c["comment"], comment_hidden),
    action("marketplace", "listing", "moderate_hide", owner_listing(), owner_listing_hidden),
    action("accounts", "user", "moderate_suspend", lambda c: c["owner"], owner_active),
    action("accounts", "user", "moderate_warn", lambda c: c["owner"], moderation_events),
    action("marketplace", "report", "report_hide", reported_post, reports_and_post),
    action("marketplace", "report", "report_dismiss", reported_post, reports_and_post),
    # The report's own page: the actions on it, each through the moderation service.
    report_act("hide"),
    report_act("warn"),
    report_act("dismiss"),
    page(
        "admin/marketplace/report/<path:object_id>/act/",
        as_moderators(lambda c: reverse("admin:marketplace_report_act", args=[0])),
        per(STAFF_ONLY, moderator=404),
        label="no such report",
        method="POST",
        body=lambda c: {"action": "hide"},
        state=reports_and_post,
    ),
    # The appeals queue: restore (the appeal is accepted) or uphold; the owner is told either way.
    change_page("marketplace", "appeal", appealed),
    action("marketplace", "appeal", "appeal_restore", appealed, appeal_and_listing),
    action("marketplace", "appeal", "appeal_uphold", appealed, appeal_and_listing),
]
