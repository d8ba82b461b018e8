"""When a moderator hides something: the owner is told at once with the reason, sees one clear
state on their listing, appeals once (the database holds it), and is told the outcome, restored
or upheld. The report's admin page carries the actions and a preview; the appeals queue acts
through the moderation service."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Appeal, Listing, ModerationDecision, Report
from marketplace.services import listing_lifecycle
from marketplace.services import listings as listing_services
from marketplace.services.appeals import appeal_create, appeal_uphold
from marketplace.services.listing_photos import listing_photo_add
from marketplace.services.reports import content_moderate, report_create, report_resolve
from privacy.models import AuditEvent
from social.models import Notification
from social.services import posts
from tests.factories import make_moderator, marlin_for_sale, picture


@pytest.fixture
def mod(db):
    return make_moderator()


def notes_of(person, kind: str) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person, kind=kind).values_list("text", flat=True)
    )


@pytest.fixture
def hidden(owner, stranger, mod) -> ModerationDecision:
    """The owner's listing, reported by the stranger as a scam and hidden by a moderator."""
    listing = marlin_for_sale(owner)
    report = report_create(reporter=stranger, target=listing, reason="scam")
    report_resolve(moderator=mod, report=report, action="hide", note="Fake photos")
    return ModerationDecision.objects.get()


# --- The owner is told, with the reason -------------------------------------------------------


def test_hiding_tells_the_owner_at_once_with_the_reason(hidden, owner):
    (text,) = notes_of(owner, "moderation_hidden")
    assert (
        text
        == "A moderator hid your listing “Trek Marlin 7, 2022”: Fake photos. You can appeal once."
    )
    notice = Notification.objects.get(recipient=owner, kind="moderation_hidden")
    assert notice.url == reverse("marketplace:moderation_decision", args=[hidden.pk])


def test_without_a_note_the_reason_is_the_reports(owner, stranger, mod):
    listing = marlin_for_sale(owner)
    report = report_create(reporter=stranger, target=listing, reason="scam")
    report_resolve(moderator=mod, report=report, action="hide")
    assert ModerationDecision.objects.get().reason == "Scam or fraud"


def test_hiding_twice_is_one_decision(hidden, mod):
    content_moderate(moderator=mod, target=hidden.target, action="hide")
    assert ModerationDecision.objects.count() == 1


def test_a_post_hidden_is_told_too_and_a_person_suspended_is_not_a_decision(owner, mod):
    post = posts.post_create(author=owner, text="Buy my stuff", audience="public")
    content_moderate(moderator=mod, target=post, action="hide", note="Spam")
    assert len(notes_of(owner, "moderation_hidden")) == 1
    content_moderate(moderator=mod, target=owner, action="hide")
    assert ModerationDecision.objects.count() == 1


# --- One appeal, and its outcome --------------------------------------------------------------


def test_the_owner_appeals_once(hidden, owner):
    appeal = appeal_create(owner=owner, decision=hidden, text="  They are my photos. ")
    assert (appeal.text, appeal.outcome) == ("They are my photos.", Appeal.Outcome.PENDING)
    assert AuditEvent.objects.filter(action="moderation.appeal").count() == 1
    with pytest.raises(Conflict, match="already appealed"):
        appeal_create(owner=owner, decision=hidden, text="Again")
    assert Appeal.objects.count() == 1


def test_the_database_holds_one_appeal_per_decision(hidden):
    Appeal.objects.create(decision=hidden, text="First")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(decision=hidden, text="Second")


def test_only_the_owner_appeals_and_with_a_reason(hidden, stranger, owner):
    with pytest.raises(NotFound):
        appeal_create(owner=stranger, decision=hidden, text="Not mine")
    for text in ("", "   ", "x" * 1001):
        with pytest.raises(DomainError):
            appeal_create(owner=owner, decision=hidden, text=text)
    assert not Appeal.objects.exists()


def test_restoring_accepts_the_appeal_and_tells_the_owner(hidden, owner, mod):
    appeal = appeal_create(owner=owner, decision=hidden, text="My photos")
    content_moderate(moderator=mod, target=hidden.target, action="restore")
    appeal.refresh_from_db()
    hidden.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.RESTORED
    assert appeal.decided_at is not None and hidden.lifted_at is not None
    assert notes_of(owner, "moderation_restored") == [
        "Your appeal was accepted: your listing “Trek Marlin 7, 2022” is visible again."
    ]
    assert not Listing.objects.get(pk=hidden.object_id).hidden
    with pytest.raises(Conflict, match="visible again"):
        appeal_create(owner=owner, decision=hidden, text="Again")


def test_upholding_keeps_it_hidden_and_tells_the_owner(hidden, owner, mod):
    appeal = appeal_create(owner=owner, decision=hidden, text="My photos")
    appeal_uphold(moderator=mod, appeal=appeal, note="The photos are from a shop")
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.UPHELD
    assert Listing.objects.get(pk=hidden.object_id).hidden
    (text,) = notes_of(owner, "moderation_appeal_upheld")
    assert "the decision stands (The photos are from a shop)." in text
    with pytest.raises(Conflict, match="decided"):
        appeal_uphold(moderator=mod, appeal=appeal)
    with pytest.raises(Conflict, match="already appealed"):
        appeal_create(owner=owner, decision=hidden, text="Once more")


def test_only_moderators_uphold(hidden, owner, stranger):
    appeal = appeal_create(owner=owner, decision=hidden, text="My photos")
    with pytest.raises(NotAllowed):
        appeal_uphold(moderator=stranger, appeal=appeal)


# --- The owner's listing while hidden ----------------------------------------------------------


def test_a_hidden_listing_cannot_be_edited_or_put_up_again(hidden, owner):
    listing = Listing.objects.get(pk=hidden.object_id)
    with pytest.raises(Conflict, match="appeal"):
        listing_services.listing_update(seller=owner, listing=listing, title="Changed")
    with pytest.raises(Conflict, match="appeal"):
        listing_photo_add(seller=owner, listing=listing, image=picture())
    assert not listing.photos.exists()
    listing_lifecycle.listing_withdraw(seller=owner, listing=listing)
    with pytest.raises(NotAllowed):
        listing_lifecycle.listing_relist(seller=owner, listing=listing)


def test_my_listings_offers_no_edit_or_relist_for_a_hidden_listing(client_for, hidden, owner):
    body = client_for(owner).get(reverse("marketplace:listing_mine")).content.decode()
    assert "Why hidden" in body
    assert reverse("marketplace:listing_edit", args=[hidden.object_id]) not in body


def test_the_owners_page_shows_one_clear_state_and_the_appeal(client_for, hidden, owner):
    page = client_for(owner).get(reverse("marketplace:listing", args=[hidden.object_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Hidden by a moderator: Fake photos" in body
    assert reverse("marketplace:moderation_decision", args=[hidden.pk]) in body
    assert "badge-success" not in body  # no "Active" beside "Hidden"
    assert reverse("marketplace:listing_edit", args=[hidden.object_id]) not in body
    assert 'id="deal-panel"' not in body
    assert "Something went wrong" not in body


def test_the_owner_appeals_from_the_decision_page(client_for, hidden, owner):
    client = client_for(owner)
    url = reverse("marketplace:moderation_decision", args=[hidden.pk])
    assert "Send the appeal" in client.get(url).content.decode()
    response = client.post(url, {"text": "They are my own photos."})
    assert response.status_code == 302
    assert Appeal.objects.get().text == "They are my own photos."
    page = client.get(url).content.decode()
    assert "Appeal sent on" in page and "Send the appeal" not in page
    listing_page = client.get(reverse("marketplace:listing", args=[hidden.object_id]))
    assert "Appeal sent on" in listing_page.content.decode()


def test_an_empty_appeal_is_a_sentence_not_an_error(client_for, hidden, owner):
    url = reverse("marketplace:moderation_decision", args=[hidden.pk])
    response = client_for(owner).post(url, {"text": ""})
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_the_decision_page_is_the_owners_alone(client_for, hidden, stranger):
    url = reverse("marketplace:moderation_decision", args=[hidden.pk])
    assert client_for(stranger).get(url).status_code == 404


# --- The admin: the report's page and the appeals queue ----------------------------------------


def test_the_report_page_previews_the_listing_and_offers_the_actions(
    client_for, owner, stranger, mod
):
    listing = marlin_for_sale(owner, description="Barely used, receipt included.")
    report = report_create(reporter=stranger, target=listing, reason="scam")
    page = client_for(mod).get(reverse("admin:marketplace_report_change", args=[report.pk]))
    body = page.content.decode()
    assert "Barely used, receipt included." in body
    assert "€450" in body
    assert reverse("admin:marketplace_report_act", args=[report.pk]) in body
    for action in ("hide", "restore", "warn", "suspend", "dismiss"):
        assert f'value="{action}"' in body


def test_acting_from_the_report_page_goes_through_the_service(client_for, owner, stranger, mod):
    listing = marlin_for_sale(owner)
    report = report_create(reporter=stranger, target=listing, reason="scam")
    client = client_for(mod)
    response = client.post(
        reverse("admin:marketplace_report_act", args=[report.pk]),
        {"action": "hide", "note": "Fake photos"},
        follow=True,
    )
    assert response.status_code == 200
    report.refresh_from_db()
    listing.refresh_from_db()
    assert (report.status, listing.hidden) == (Report.Status.ACTIONED, True)
    assert AuditEvent.objects.filter(action="moderation.hide").count() == 1
    assert notes_of(owner, "moderation_hidden")
    bad = client.post(
        reverse("admin:marketplace_report_act", args=[report.pk]), {"action": "erase"}, follow=True
    )
    assert "Choose an action" in bad.content.decode()


def test_members_and_staff_without_rights_cannot_act_from_the_report_page(
    client_for, owner, stranger, moderator
):
    listing = marlin_for_sale(owner)
    report = report_create(reporter=stranger, target=listing, reason="scam")
    url = reverse("admin:marketplace_report_act", args=[report.pk])
    assert client_for(stranger).post(url, {"action": "hide"}).status_code == 302  # to sign-in
    assert client_for(moderator).post(url, {"action": "hide"}).status_code == 403
    assert client_for(moderator).get(url).status_code in (403, 405)
    listing.refresh_from_db()
    assert not listing.hidden


def test_the_kind_filter_lists_only_reportable_kinds(client_for, mod):
    body = client_for(mod).get(reverse("admin:marketplace_report_changelist")).content.decode()
    assert "?kind=listing" in body
    assert "content_type__id__exact" not in body


def test_the_appeals_queue_restores_or_upholds(client_for, hidden, owner, mod):
    appeal = appeal_create(owner=owner, decision=hidden, text="My photos")
    client = client_for(mod)
    queue = client.get(reverse("admin:marketplace_appeal_changelist")).content.decode()
    assert "My photos" in queue
    client.post(
        reverse("admin:marketplace_appeal_changelist"),
        {"action": "appeal_restore", "_selected_action": [appeal.pk]},
    )
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.RESTORED
    assert not Listing.objects.get(pk=hidden.object_id).hidden
    assert AuditEvent.objects.filter(action="moderation.restore").count() == 1


def test_the_report_list_filters_reports_with_a_pending_appeal(
    client_for, hidden, owner, stranger, mod
):
    appeal_create(owner=owner, decision=hidden, text="My photos")
    other = marlin_for_sale(owner, title="Kids' bike")
    report_create(reporter=stranger, target=other, reason="spam")
    url = reverse("admin:marketplace_report_changelist") + "?appeal=pending"
    page = client_for(mod).get(url).content.decode()
    assert "Trek Marlin 7, 2022" in page
    assert "Kids' bike" not in page and "Kids&#x27; bike" not in page


# --- The same through the API ------------------------------------------------------------------


def test_the_owner_reads_the_decision_and_appeals_once_through_the_api(
    api_client_for, hidden, owner
):
    api = api_client_for(owner)
    (listed,) = api.get(reverse("api-market-decisions")).json()
    assert (listed["id"], listed["reason"], listed["in_force"], listed["appeal"]) == (
        hidden.pk,
        "Fake photos",
        True,
        None,
    )
    assert listed["what"] == "listing “Trek Marlin 7, 2022”"
    url = reverse("api-market-appeal", args=[hidden.pk])
    sent = api.post(url, {"text": "They are my own photos."}, format="json")
    assert sent.status_code == 201
    assert sent.json()["appeal"]["outcome"] == "pending"
    again = api.post(url, {"text": "Please?"}, format="json")
    assert again.status_code == 409
    assert Appeal.objects.get().text == "They are my own photos."


def test_an_empty_appeal_through_the_api_is_a_400_and_changes_nothing(
    api_client_for, hidden, owner
):
    url = reverse("api-market-appeal", args=[hidden.pk])
    response = api_client_for(owner).post(url, {"text": " "}, format="json")
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_nobody_else_learns_a_decision_exists_through_the_api(api_client_for, hidden, stranger):
    api = api_client_for(stranger)
    assert api.get(reverse("api-market-decisions")).json() == []
    assert api.get(reverse("api-market-decision", args=[hidden.pk])).status_code == 404
    url = reverse("api-market-appeal", args=[hidden.pk])
    assert api.post(url, {"text": "Mine!"}, format="json").status_code == 404
    assert not Appeal.objects.exists()
