"""The admin is no second write path: what people own is read-only there, for moderators and
superusers alike, and the moderation actions go through `marketplace.services.reports` (the
lifecycle, the audit event, the notifications), one selected row at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.models import Listing, Report
from marketplace.services.reports import report_create
from privacy.models import AuditEvent
from social.models import Notification
from social.services import posts
from tests.factories import PersonFactory, make_admin, make_moderator, make_review, marlin_for_sale


@pytest.fixture
def mod(db):
    return make_moderator()


@pytest.fixture
def superuser(db):
    return make_admin()


def act(client, model: str, action: str, *objects):
    app = "social" if model in ("post", "comment") else "marketplace"
    app = "accounts" if model == "user" else app
    return client.post(
        reverse(f"admin:{app}_{model}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
    )


@pytest.mark.parametrize("who", ["mod", "superuser"])
def test_nobody_changes_a_listings_status_price_or_seller_in_the_change_form(
    request, client_for, owner, stranger, who
):
    listing = marlin_for_sale(owner)
    before = (listing.status, listing.price, listing.seller_id, listing.audience)
    client = client_for(request.getfixturevalue(who))
    url = reverse("admin:marketplace_listing_change", args=[listing.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for field in ("status", "price", "seller", "audience"):
        assert f'name="{field}"' not in body
    changed = {"status": "sold", "price": "1", "seller": stranger.pk, "audience": "only_me"}
    assert client.post(url, changed).status_code == 403
    listing.refresh_from_db()
    assert (listing.status, listing.price, listing.seller_id, listing.audience) == before
    assert listing.price != Decimal("1")


@pytest.mark.parametrize("who", ["mod", "superuser"])
def test_nobody_changes_a_posts_text_or_audience_in_the_change_form(
    request, client_for, owner, who
):
    post = posts.post_create(author=owner, text="Original", audience="public")
    client = client_for(request.getfixturevalue(who))
    url = reverse("admin:social_post_change", args=[post.pk])
    body = client.get(url).content.decode()
    assert 'name="text"' not in body and 'name="hidden"' not in body
    assert client.post(url, {"text": "Rewritten", "audience": "only_me"}).status_code == 403
    post.refresh_from_db()
    assert (post.text, post.audience) == ("Original", "public")


def test_the_admin_adds_no_listing_review_post_offer_or_profile(client_for, superuser):
    client = client_for(superuser)
    for name in (
        "marketplace_listing",
        "marketplace_review",
        "marketplace_offer",
        "social_post",
        "accounts_profile",
    ):
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name


def test_hiding_a_listing_in_the_admin_is_the_services_hide(client_for, owner, stranger, mod):
    listing = marlin_for_sale(owner)
    made = report_create(reporter=stranger, target=listing, reason="spam")
    assert act(client_for(mod), "listing", "moderate_hide", listing).status_code == 302
    listing.refresh_from_db()
    made.refresh_from_db()
    assert listing.hidden
    assert not Listing.objects.visible_to(stranger).filter(pk=listing.pk).exists()
    assert (made.status, made.moderator) == (Report.Status.ACTIONED, mod)
    event = AuditEvent.objects.get(action="moderation.hide")
    assert (event.actor, event.subject) == (mod, owner)
    assert Notification.objects.filter(recipient=stranger, kind="report_outcome").exists()


def test_restoring_a_post_in_the_admin_is_audited(client_for, owner, mod):
    post = posts.post_create(author=owner, text="Public", audience="public")
    client = client_for(mod)
    act(client, "post", "moderate_hide", post)
    act(client, "post", "moderate_restore", post)
    post.refresh_from_db()
    assert not post.hidden
    actions = AuditEvent.objects.filter(actor=mod).values_list("action", flat=True)
    assert sorted(actions) == ["moderation.hide", "moderation.restore"]


def test_warning_from_the_admin_notifies_the_owner(client_for, owner, mod):
    review = make_review(owner)
    act(client_for(mod), "review", "moderate_warn", review)
    warning = Notification.objects.get(recipient=owner, kind="moderation_warning")
    assert "review" in warning.text
    assert AuditEvent.objects.filter(action="moderation.warn", actor=mod, subject=owner).exists()


def test_suspending_from_the_user_admin_is_audited_and_restore_lifts_it(client_for, owner, mod):
    client = client_for(mod)
    assert act(client, "user", "moderate_suspend", owner).status_code == 302
    owner.refresh_from_db()
    assert not owner.is_active
    act(client, "user", "moderate_restore", owner)
    owner.refresh_from_db()
    assert owner.is_active
    actions = AuditEvent.objects.filter(actor=mod, subject=owner).values_list("action", flat=True)
    assert sorted(actions) == ["moderation.restore", "moderation.suspend"]


def test_a_bulk_action_goes_through_the_service_once_per_row(client_for, owner, stranger, mod):
    mine = [posts.post_create(author=owner, text=f"Post {n}", audience="public") for n in (1, 2)]
    theirs = posts.post_create(author=stranger, text="Another", audience="public")
    act(client_for(mod), "post", "moderate_hide", *mine, theirs)
    events = AuditEvent.objects.filter(action="moderation.hide", actor=mod)
    assert events.count() == 3
    assert sorted(event.subject_id for event in events) == sorted([owner.pk, owner.pk, stranger.pk])


def test_a_refused_row_is_reported_and_the_others_are_done(client_for, owner, mod):
    staff = PersonFactory.create(name="Stan Staff", is_staff=True)
    response = act(client_for(mod), "user", "moderate_suspend", owner, staff)
    owner.refresh_from_db()
    staff.refresh_from_db()
    assert not owner.is_active and staff.is_active
    shown = [str(message) for message in response.wsgi_request._messages]
    assert "Suspend: 1 done." in shown
    assert any("can't be suspended" in line for line in shown)


def test_staff_who_are_not_moderators_are_not_offered_the_actions(client_for, owner):
    staff = PersonFactory.create(name="Stan Staff", is_staff=True)
    post = posts.post_create(author=owner, text="Public", audience="public")
    act(client_for(staff), "post", "moderate_hide", post)
    post.refresh_from_db()
    assert not post.hidden
    assert not AuditEvent.objects.filter(action__startswith="moderation.").exists()


def test_a_member_cannot_reach_the_actions(client_for, owner, stranger):
    post = posts.post_create(author=owner, text="Public", audience="public")
    response = act(client_for(stranger), "post", "moderate_hide", post)
    assert response.status_code == 302 and "/login/" in response["Location"]
    post.refresh_from_db()
    assert not post.hidden
