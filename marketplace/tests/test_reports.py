"""Reports and moderation: who may report what, once; what hide, restore, warn, suspend and
dismiss do; the audit log and the reporter's notification; the moderators' admin queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Conversation, Listing, Message, Report, Review
from marketplace.services.reports import (
    content_moderate,
    report_create,
    report_resolve,
    report_target,
)
from privacy.models import AuditEvent
from social.models import Notification, Post
from social.selectors import comments_on
from social.services import blocks, posts
from tests.factories import (
    PASSWORD,
    PersonFactory,
    make_admin,
    make_moderator,
    make_review,
    marlin_for_sale,
    moderators,
)


def report(reporter, target, reason="spam", note=""):
    return report_create(reporter=reporter, target=target, reason=reason, note=note)


# --- Reporting ---------------------------------------------------------------------------------


def test_anyone_signed_in_reports_what_they_can_see(owner, stranger):
    listing = marlin_for_sale(owner)
    made = report(stranger, listing, "scam", "Asks for payment by gift card.")
    assert (made.target, made.reason, made.status) == (listing, "scam", Report.Status.OPEN)


@pytest.mark.parametrize("kind", ["listing", "review", "post", "comment", "person"])
def test_each_kind_of_thing_can_be_reported(owner, stranger, kind):
    post = posts.post_create(author=owner, text="Selling", audience="public")
    targets = {
        "listing": lambda: marlin_for_sale(owner),
        "review": lambda: make_review(owner),
        "post": lambda: post,
        "comment": lambda: posts.comment_create(author=owner, post_id=post.pk, text="Mine"),
        "person": lambda: owner,
    }
    target = targets[kind]()
    assert report(stranger, target).target == target


def test_a_message_can_be_reported_only_by_those_in_the_conversation(owner, stranger):
    listing = marlin_for_sale(owner)
    conversation = Conversation.objects.create(listing=listing, buyer=stranger)
    message = Message.objects.create(conversation=conversation, sender=stranger, text="Cash only")
    outsider = PersonFactory.create(name="Otto Outsider")
    with pytest.raises(NotFound):
        report(outsider, message)
    assert report(owner, message, "harassment").target == message


def test_reporting_twice_is_a_conflict(owner, stranger):
    listing = marlin_for_sale(owner)
    report(stranger, listing)
    with pytest.raises(Conflict, match="already reported"):
        report(stranger, listing, "scam")
    assert Report.objects.count() == 1


def test_you_cannot_report_your_own_thing_or_yourself(owner):
    with pytest.raises(NotAllowed, match="your own listing"):
        report(owner, marlin_for_sale(owner))
    with pytest.raises(NotAllowed, match="yourself"):
        report(owner, owner)
    assert not Report.objects.exists()


def test_you_cannot_report_what_you_cannot_see(owner, stranger):
    only_friends = marlin_for_sale(owner, audience="friends")
    friends_post = posts.post_create(author=owner, text="Friends only", audience="friends")
    public_post = posts.post_create(author=owner, text="Public", audience="public")
    comment = posts.comment_create(author=owner, post_id=friends_post.pk, text="On it")
    for target in (only_friends, friends_post, comment, make_review(owner, audience="friends")):
        with pytest.raises(NotFound):
            report(stranger, target)
    blocks.block_create(blocker=owner, blocked=stranger)
    for target in (public_post, owner):
        with pytest.raises(NotFound):
            report(stranger, target)
    assert not Report.objects.exists()


def test_a_bad_reason_or_an_empty_other_is_refused(owner, stranger):
    listing = marlin_for_sale(owner)
    with pytest.raises(DomainError, match="Choose a reason"):
        report(stranger, listing, "boring")
    with pytest.raises(DomainError, match="note"):
        report(stranger, listing, "other", "  ")
    assert not Report.objects.exists()


def test_an_unknown_kind_is_not_found(stranger):
    with pytest.raises(NotFound):
        report_target(reporter=stranger, kind="circle", object_id=1)


# --- Moderation -------------------------------------------------------------------------------


@pytest.fixture
def mod(db):
    return make_moderator()


def test_hiding_a_listing_hides_it_from_everyone_but_its_seller(owner, stranger, mod):
    listing = marlin_for_sale(owner)
    made = report(stranger, listing)
    report_resolve(moderator=mod, report=made, action="hide")
    assert not Listing.objects.visible_to(stranger).filter(pk=listing.pk).exists()
    assert not Listing.objects.visible_to(None).filter(pk=listing.pk).exists()
    assert Listing.objects.visible_to(owner).filter(pk=listing.pk).exists()
    report_resolve(moderator=mod, report=made, action="restore")
    assert Listing.objects.visible_to(stranger).filter(pk=listing.pk).exists()


def test_hiding_a_review_and_a_post_works_the_same(owner, stranger, mod):
    review = make_review(owner)
    post = posts.post_create(author=owner, text="Public", audience="public")
    for target, model in ((review, Review), (post, Post)):
        report_resolve(moderator=mod, report=report(stranger, target), action="hide")
        assert not model.objects.visible_to(stranger).filter(pk=target.pk).exists()
        assert model.objects.visible_to(owner).filter(pk=target.pk).exists()


def test_a_hidden_comment_is_left_out_for_all_but_its_author(owner, stranger, mod):
    post = posts.post_create(author=owner, text="Public", audience="public")
    comment = posts.comment_create(author=stranger, post_id=post.pk, text="Buy my stuff")
    report_resolve(moderator=mod, report=report(owner, comment), action="hide")
    assert list(comments_on(owner, post)) == []
    assert list(comments_on(None, post)) == []
    assert list(comments_on(stranger, post)) == [comment]


def test_suspending_deactivates_the_account_and_hides_its_content(client, owner, stranger, mod):
    listing = marlin_for_sale(owner)
    post = posts.post_create(author=owner, text="Public", audience="public")
    report_resolve(moderator=mod, report=report(stranger, listing), action="suspend")
    owner.refresh_from_db()
    assert not owner.is_active
    assert not Listing.objects.visible_to(stranger).filter(pk=listing.pk).exists()
    assert not Post.objects.visible_to(None).filter(pk=post.pk).exists()
    assert not client.login(email=owner.email, password=PASSWORD)


def test_hiding_a_person_suspends_them_and_restoring_lifts_it(owner, stranger, mod):
    made = report(stranger, owner, "harassment")
    report_resolve(moderator=mod, report=made, action="hide")
    owner.refresh_from_db()
    assert not owner.is_active
    report_resolve(moderator=mod, report=made, action="restore")
    owner.refresh_from_db()
    assert owner.is_active


def test_staff_accounts_are_not_suspended_from_the_queue(stranger, mod):
    other_mod = make_moderator("Mia Moderator")
    with pytest.raises(NotAllowed):
        report_resolve(moderator=mod, report=report(stranger, other_mod), action="suspend")
    other_mod.refresh_from_db()
    assert other_mod.is_active
    assert Report.objects.get().status == Report.Status.OPEN


def test_a_message_cannot_be_hidden_but_its_sender_can_be_warned(owner, stranger, mod):
    conversation = Conversation.objects.create(listing=marlin_for_sale(owner), buyer=stranger)
    message = Message.objects.create(conversation=conversation, sender=stranger, text="Pay now")
    made = report(owner, message, "scam")
    with pytest.raises(DomainError, match="can't be hidden"):
        report_resolve(moderator=mod, report=made, action="hide")
    report_resolve(moderator=mod, report=made, action="warn", note="No pressure selling.")
    warning = Notification.objects.get(recipient=stranger, kind="moderation_warning")
    assert "No pressure selling." in warning.text


def test_every_action_is_audited_and_the_reporter_told(owner, stranger, mod):
    listing = marlin_for_sale(owner)
    made = report(stranger, listing)
    resolved = report_resolve(moderator=mod, report=made, action="dismiss")
    assert (resolved.status, resolved.moderator) == (Report.Status.DISMISSED, mod)
    event = AuditEvent.objects.get(action="moderation.dismiss")
    assert (event.actor_id, event.subject_id) == (mod.pk, owner.pk)
    assert event.detail["report"] == made.pk
    outcome = Notification.objects.get(recipient=stranger, kind="report_outcome")
    assert "no action was taken" in outcome.text
    assert outcome.url == reverse("marketplace:my_reports")


def test_resolving_one_report_resolves_every_open_report_of_the_thing(owner, stranger, mod):
    listing = marlin_for_sale(owner)
    other = PersonFactory.create(name="Otto Other")
    first, second = report(stranger, listing), report(other, listing, "scam")
    report_resolve(moderator=mod, report=first, action="hide")
    second.refresh_from_db()
    assert second.status == Report.Status.ACTIONED
    assert Notification.objects.filter(kind="report_outcome").count() == 2


def test_only_moderators_resolve_reports(owner, stranger, moderator):
    made = report(stranger, marlin_for_sale(owner))
    for not_a_moderator in (stranger, moderator):  # `moderator` is staff without the group
        with pytest.raises(NotAllowed):
            report_resolve(moderator=not_a_moderator, report=made, action="hide")
    assert not Listing.objects.get().hidden
    assert not AuditEvent.objects.filter(action__startswith="moderation.hide").exists()


def test_an_unknown_action_is_refused(owner, stranger, mod):
    made = report(stranger, marlin_for_sale(owner))
    with pytest.raises(DomainError, match="Choose an action"):
        report_resolve(moderator=mod, report=made, action="delete")
    made.refresh_from_db()
    assert made.status == Report.Status.OPEN


def test_content_can_be_moderated_without_a_report(owner, mod):
    review = make_review(owner)
    content_moderate(moderator=mod, target=review, action="hide")
    review.refresh_from_db()
    assert review.hidden
    assert AuditEvent.objects.filter(action="moderation.hide", subject=owner).exists()


# --- Pages and API ----------------------------------------------------------------------------


def test_the_report_page_sends_a_report(client_for, owner, stranger):
    listing = marlin_for_sale(owner)
    client = client_for(stranger)
    url = reverse("marketplace:report", args=["listing", listing.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "scam", "note": "Too cheap"})
    assert response.status_code == 302
    assert Report.objects.get().note == "Too cheap"
    again = client.get(url)
    assert "You already reported" in again.content.decode()
    assert client.post(url, {"reason": "spam"}).status_code == 409


def test_the_report_page_is_not_found_for_what_you_cannot_see(client_for, owner, stranger):
    listing = marlin_for_sale(owner, audience="only_me")
    url = reverse("marketplace:report", args=["listing", listing.pk])
    assert client_for(stranger).post(url, {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.WITHDRAWN])
def test_the_report_form_treats_an_unpublished_listing_as_not_existing(
    client_for, owner, stranger, mod, status
):
    listing = marlin_for_sale(owner, audience="public", status=status, title="Unshown bike")
    url = reverse("marketplace:report", args=["listing", listing.pk])

    for person in (stranger, mod):
        response = client_for(person).get(url)
        assert response.status_code == 404
        assert "Unshown bike" not in response.content.decode()
        assert client_for(person).post(url, {"reason": "spam"}).status_code == 404
    assert client_for(owner).get(url).status_code == 403  # their own: not to be reported
    with pytest.raises(NotFound):
        report_target(reporter=stranger, kind="listing", object_id=listing.pk)
    assert not Report.objects.exists()


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.WITHDRAWN])
def test_the_api_refuses_to_report_an_unpublished_listing_as_if_it_did_not_exist(
    api_client_for, owner, stranger, status
):
    listing = marlin_for_sale(owner, audience="public", status=status)
    body = {"target_type": "listing", "target_id": listing.pk, "reason": "spam"}

    response = api_client_for(stranger).post(reverse("api-market-reports"), body, format="json")

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_my_reports_shows_the_outcome(client_for, owner, stranger, mod):
    listing = marlin_for_sale(owner, title="Suspicious bike")
    report_resolve(moderator=mod, report=report(stranger, listing), action="hide")
    body = client_for(stranger).get(reverse("marketplace:my_reports")).content.decode()
    assert "Suspicious bike" in body and "Action taken" in body


def test_the_api_reports_once(api_client_for, owner, stranger):
    post = posts.post_create(author=owner, text="Public", audience="public")
    api = api_client_for(stranger)
    body = {"target_type": "post", "target_id": post.pk, "reason": "spam"}
    created = api.post(reverse("api-market-reports"), body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["target_type"] == "post"
    assert api.post(reverse("api-market-reports"), body, format="json").status_code == 409
    assert [row["id"] for row in api.get(reverse("api-market-reports")).json()] == [
        created.json()["id"]
    ]


# --- The admin queue --------------------------------------------------------------------------


def test_a_moderator_works_the_queue_in_the_admin(client_for, owner, stranger, mod):
    listing = marlin_for_sale(owner)
    made = report(stranger, listing)
    client = client_for(mod)
    queue = client.get(reverse("admin:marketplace_report_changelist") + "?status__exact=open")
    assert queue.status_code == 200
    assert reverse("admin:marketplace_listing_change", args=[listing.pk]) in queue.content.decode()
    response = client.post(
        reverse("admin:marketplace_report_changelist"),
        {"action": "report_hide", "_selected_action": [made.pk]},
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    made.refresh_from_db()
    assert listing.hidden and made.status == Report.Status.ACTIONED
    assert AuditEvent.objects.filter(action="moderation.hide", actor=mod).exists()
    assert Notification.objects.filter(recipient=stranger, kind="report_outcome").exists()


def test_a_moderator_hides_reviews_and_posts_from_their_admin_pages(client_for, owner, mod):
    review = make_review(owner)
    post = posts.post_create(author=owner, text="Public", audience="public")
    client = client_for(mod)
    client.post(
        reverse("admin:marketplace_review_changelist"),
        {"action": "moderate_hide", "_selected_action": [review.pk]},
    )
    client.post(
        reverse("admin:social_post_changelist"),
        {"action": "moderate_hide", "_selected_action": [post.pk]},
    )
    review.refresh_from_db()
    post.refresh_from_db()
    assert review.hidden and post.hidden
    assert AuditEvent.objects.filter(action="moderation.hide", actor=mod).count() == 2


def test_the_queue_filters_by_kind_and_every_marketplace_page_opens(client_for, owner, mod):
    marlin_for_sale(owner)
    make_review(owner)
    client = client_for(mod)
    url = reverse("admin:marketplace_report_changelist")
    assert client.get(url + "?kind=review").status_code == 200
    for model in ("listing", "review", "purchase", "message", "productmodel", "category"):
        assert client.get(reverse(f"admin:marketplace_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:privacy_auditevent_changelist")).status_code == 200


def test_a_moderator_cannot_grant_rights_or_take_over_an_account(client_for, owner, mod):
    client = client_for(mod)
    page = client.get(reverse("admin:accounts_user_change", args=[owner.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="is_active"' not in body and 'name="is_superuser"' not in body  # view only
    password = reverse("admin:auth_user_password_change", args=[owner.pk])
    assert client.get(password).status_code in (403, 404)
    admin_user = make_admin()
    admin_page = reverse("admin:accounts_user_change", args=[admin_user.pk])
    assert 'name="is_active"' not in client.get(admin_page).content.decode()  # view only
    assert client.post(admin_page, {"is_active": ""}).status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_a_moderator_cannot_delete_consent_or_audit_records(mod):
    assert not mod.has_perm("privacy.delete_auditevent")
    assert not mod.has_perm("privacy.delete_consentrecord")
    assert mod.has_perm("privacy.view_auditevent")
    assert mod.has_perm("marketplace.change_report") and not mod.is_superuser


def test_posts_comments_and_profiles_link_to_the_report_form(client_for, owner, stranger):
    post = posts.post_create(author=owner, text="Public", audience="public")
    comment = posts.comment_create(author=owner, post_id=post.pk, text="Mine")
    client = client_for(stranger)
    body = client.get(reverse("social:post", args=[post.pk])).content.decode()
    assert reverse("marketplace:report", args=["post", post.pk]) in body
    assert reverse("marketplace:report", args=["comment", comment.pk]) in body
    profile = client.get(reverse("social:profile", args=[owner.pk])).content.decode()
    assert reverse("marketplace:report", args=["person", owner.pk]) in profile
    own = client_for(owner).get(reverse("social:post", args=[post.pk])).content.decode()
    assert reverse("marketplace:report", args=["post", post.pk]) not in own


def test_the_demo_moderator_is_in_the_moderators_group(db):
    from demo.people import DEMO_LOGINS, MODERATOR, _reset_demo_logins

    moderators()  # made by migration 0004
    users = {
        email: PersonFactory.create(name=email.split("@")[0], email=email)
        for email, _ in DEMO_LOGINS
    }
    _reset_demo_logins(users)
    moderator = users[MODERATOR.email]
    assert moderator.is_staff and not moderator.is_superuser
    assert moderator.has_perm("marketplace.change_report")


def test_reports_made_before_they_named_whose_thing_it_is_are_filled_in(owner, stranger):
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migration = importlib.import_module("marketplace.migrations.0008_sales_kept_and_reports_about")
    state = MigrationExecutor(connection).loader.project_state(
        ("marketplace", "0008_sales_kept_and_reports_about")
    )
    of_listing = report(stranger, marlin_for_sale(owner))
    of_person = report(stranger, owner, "harassment")
    Report.objects.update(about=None)

    migration.fill_about(state.apps, None)

    assert {r.pk: r.about_id for r in Report.objects.all()} == {
        of_listing.pk: owner.pk,
        of_person.pk: owner.pk,
    }
