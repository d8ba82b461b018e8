"""The consent API: purposes with their notices, granting, withdrawing, one's own ledger and
usage, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from privacy import consent
from privacy.models import ConsentRecord, ConsentState, UsageCount
from privacy.purposes import NOTICES, Purpose, Scope
from privacy.services.consent import consent_grant
from privacy.usage import record

pytestmark = pytest.mark.django_db

SOCIAL = Purpose.SOCIAL_PROOF.value
PURPOSES = reverse("api-privacy-purposes")
CONSENTS = reverse("api-privacy-consents")
HISTORY = reverse("api-privacy-consents-history")
USAGE = reverse("api-privacy-usage")


def withdraw_url(purpose: str = SOCIAL) -> str:
    return reverse("api-privacy-consent", args=[purpose])


def test_the_purposes_come_with_their_notices_and_all_start_off(api_client_for, owner):
    response = api_client_for(owner).get(PURPOSES)
    assert response.status_code == 200
    rows = response.json()
    assert [row["purpose"] for row in rows] == Purpose.values
    for row in rows:
        notice = NOTICES[row["purpose"]]
        assert row["notice"] == {
            "version": notice.version,
            "summary": notice.summary,
            "text": notice.text,
            "sha256": notice.sha256,
        }
        assert row["granted"] is False and row["state"] is None


@pytest.mark.parametrize("scope", [Scope.FRIENDS, Scope.FOF, Scope.CIRCLES])
def test_granting_with_each_scope_is_recorded_with_the_api_method(api_client_for, graph, scope):
    owner, circle_a = graph["owner"], graph["circle_a"]
    circles = [circle_a.pk] if scope == Scope.CIRCLES else []
    response = api_client_for(owner).post(
        CONSENTS,
        {"purpose": SOCIAL, "scope": scope, "circles": circles, "details": {"note": "ok"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["purpose"] == SOCIAL and body["granted"] is True
    assert body["state"]["scope"] == scope
    assert body["state"]["details"] == {"note": "ok"}
    expected = [{"id": circle_a.pk, "name": "Circle A"}] if circles else []
    assert body["state"]["circles"] == expected
    granted = ConsentRecord.objects.get(user=owner)
    assert (granted.action, granted.method, granted.scope) == ("granted", "api", scope)
    assert granted.circle_ids == circles
    assert granted.notice_sha256 == NOTICES[SOCIAL].sha256
    listed = api_client_for(owner).get(PURPOSES).json()
    assert [row["granted"] for row in listed] == [p == SOCIAL for p in Purpose.values]


def test_granting_again_changes_the_scope(api_client_for, graph):
    owner, api = graph["owner"], api_client_for(graph["owner"])
    api.post(CONSENTS, {"purpose": SOCIAL, "scope": "fof"}, format="json")
    assert consent.allows(owner, SOCIAL, graph["fof"])
    api.post(CONSENTS, {"purpose": SOCIAL, "scope": "friends"}, format="json")
    assert not consent.allows(owner, SOCIAL, graph["fof"])
    assert ConsentState.objects.get(user=owner).scope == "friends"
    assert ConsentRecord.objects.filter(user=owner).count() == 2


def test_withdrawing_takes_effect_on_the_very_next_request_caches_included(
    api_client_for, graph, django_capture_on_commit_callbacks
):
    owner, friend = graph["owner"], graph["friend_b"]
    api = api_client_for(owner)
    api.post(CONSENTS, {"purpose": SOCIAL, "scope": "friends"}, format="json")
    assert consent.allows(owner, SOCIAL, friend)
    key = f"funnel:{friend.pk}:{consent.consent_version(SOCIAL)}"
    cache.set(key, "5 friends bought one")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(withdraw_url())
    assert response.status_code == 204

    assert not consent.allows(owner, SOCIAL, friend)
    assert api.get(PURPOSES).json()[0]["state"] is None
    assert cache.get(f"funnel:{friend.pk}:{consent.consent_version(SOCIAL)}") is None
    withdrawn = ConsentRecord.objects.filter(user=owner).first()
    assert (withdrawn.action, withdrawn.method) == ("withdrawn", "api")


def test_withdrawing_what_was_not_granted_is_not_found(api_client_for, owner):
    response = api_client_for(owner).delete(withdraw_url())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_granted"
    assert not ConsentRecord.objects.exists()


def test_withdrawing_an_unknown_purpose_is_refused(api_client_for, owner):
    response = api_client_for(owner).delete(withdraw_url("selling_my_soul"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_purpose"
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"purpose": "selling_my_soul", "scope": "friends"}, "purpose"),
        ({"scope": "friends"}, "purpose"),
        ({"purpose": SOCIAL, "scope": "everyone"}, "scope"),
        ({"purpose": SOCIAL}, "scope"),
        ({"purpose": SOCIAL, "scope": "circles", "circles": ["abc"]}, "circles"),
        ({"purpose": SOCIAL, "scope": "circles", "circles": "1"}, "circles"),
        ({"purpose": SOCIAL, "scope": "circles", "circles": [2**63]}, "circles"),
        ({"purpose": SOCIAL, "scope": "friends", "details": ["a list"]}, "details"),
        ({"purpose": SOCIAL, "scope": "friends", "details": {"x": "y" * 3000}}, "details"),
    ],
)
def test_a_malformed_grant_is_a_400_naming_the_field(api_client_for, owner, body, field):
    response = api_client_for(owner).post(CONSENTS, body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] and field in error["fields"]
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"purpose": SOCIAL, "scope": "circles", "circles": []}, "no_circle"),
        ({"purpose": SOCIAL, "scope": "friends", "circles": ["own"]}, "circles_without_scope"),
        ({"purpose": SOCIAL, "scope": "circles", "circles": ["theirs"]}, "foreign_circle"),
        ({"purpose": SOCIAL, "scope": "circles", "circles": [987654]}, "foreign_circle"),
    ],
)
def test_a_grant_the_rules_refuse_is_a_400_and_changes_nothing(api_client_for, graph, body, code):
    owner = graph["owner"]
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FOF)
    before = ConsentRecord.objects.count()
    named = {"own": graph["circle_a"].pk, "theirs": graph["friend_a"].circles.first().pk}
    body = {**body, "circles": [named.get(c, c) for c in body["circles"]]}
    response = api_client_for(owner).post(CONSENTS, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert ConsentRecord.objects.count() == before
    state = ConsentState.objects.get(user=owner, purpose=SOCIAL)
    assert state.scope == Scope.FOF and not state.circles.exists()


def test_the_history_is_ones_own_ledger_newest_first(api_client_for, graph):
    owner, friend = graph["owner"], graph["friend_a"]
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS, method="onboarding")
    consent_grant(user=friend, purpose=SOCIAL, scope=Scope.FRIENDS)
    api_client_for(owner).delete(withdraw_url())
    rows = api_client_for(owner).get(HISTORY).json()
    assert [(row["action"], row["method"]) for row in rows] == [
        ("withdrawn", "api"),
        ("granted", "onboarding"),
    ]
    assert {row["id"] for row in rows} == set(
        ConsentRecord.objects.filter(user=owner).values_list("id", flat=True)
    )
    assert rows[1]["notice_version"] == NOTICES[SOCIAL].version
    theirs = api_client_for(friend).get(HISTORY).json()
    assert [row["id"] for row in theirs] == [ConsentRecord.objects.get(user=friend).pk]


def test_nobody_reads_anothers_consents(api_client_for, graph):
    consent_grant(
        user=graph["owner"],
        purpose=SOCIAL,
        scope=Scope.CIRCLES,
        circle_ids=[graph["circle_a"].pk],
    )
    listed = api_client_for(graph["friend_a"]).get(PURPOSES).json()
    assert not any(row["granted"] for row in listed)
    assert api_client_for(graph["friend_a"]).get(HISTORY).json() == []
    assert api_client_for(graph["friend_a"]).delete(withdraw_url()).status_code == 404
    assert ConsentState.objects.filter(user=graph["owner"]).exists()


def test_the_usage_log_counts_todays_uses_by_purpose(api_client_for, owner, stranger):
    for _ in range(2):
        record(owner, SOCIAL, "Your review of the Trek Marlin 7")
    record(stranger, SOCIAL, "Someone else's review")
    body = api_client_for(owner).get(USAGE).json()
    assert body["today"] == [
        {
            "purpose": SOCIAL,
            "label": "Your review of the Trek Marlin 7",
            "day": timezone.localdate().isoformat(),
            "count": 2,
        }
    ]
    assert body["recent_days"] == []


def test_the_usage_log_gives_totals_for_the_thirteen_days_before_today(api_client_for, owner):
    today = timezone.localdate()
    for days_ago, purpose, label, count in (
        (1, SOCIAL, "A review", 3),
        (1, SOCIAL, "Another review", 1),
        (3, Purpose.INSIGHTS, "A purchase", 2),
        (3, SOCIAL, "A review", 1),
        (13, SOCIAL, "A review", 7),
        (14, SOCIAL, "A review", 9),
        (40, SOCIAL, "A review", 9),
    ):
        UsageCount.objects.create(
            owner=owner,
            purpose=purpose,
            label=label,
            day=today - dt.timedelta(days=days_ago),
            count=count,
        )
    body = api_client_for(owner).get(USAGE).json()
    assert body["today"] == []
    assert body["recent_days"] == [
        {
            "day": (today - dt.timedelta(days=1)).isoformat(),
            "purposes": [{"purpose": SOCIAL, "count": 4}],
        },
        {
            "day": (today - dt.timedelta(days=3)).isoformat(),
            "purposes": [
                {"purpose": SOCIAL, "count": 1},
                {"purpose": Purpose.INSIGHTS.value, "count": 2},
            ],
        },
        {
            "day": (today - dt.timedelta(days=13)).isoformat(),
            "purposes": [{"purpose": SOCIAL, "count": 7}],
        },
    ]


def test_yesterdays_uses_move_from_today_to_the_recent_days(api_client_for, owner):
    record(owner, SOCIAL, "A review")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        record(owner, SOCIAL, "A review")
        body = api_client_for(owner).get(USAGE).json()
    assert [(row["day"], row["count"]) for row in body["today"]] == [(tomorrow.isoformat(), 1)]
    assert body["recent_days"] == [
        {
            "day": (tomorrow - dt.timedelta(days=1)).isoformat(),
            "purposes": [{"purpose": SOCIAL, "count": 1}],
        }
    ]


def test_anonymous_callers_are_refused(api_client_for):
    api = api_client_for(None)
    for response in (
        api.get(PURPOSES),
        api.post(CONSENTS, {"purpose": SOCIAL, "scope": "friends"}, format="json"),
        api.delete(withdraw_url()),
        api.get(HISTORY),
        api.get(USAGE),
    ):
        assert response.status_code == 403
    assert not ConsentRecord.objects.exists()


def test_the_operations_are_documented():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        operation["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/privacy/")
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {
        "privacy_purposes_list",
        "privacy_consents_grant",
        "privacy_consents_withdraw",
        "privacy_consents_history",
        "privacy_usage",
    } <= operations
    grant = schema["paths"]["/api/privacy/consents/"]["post"]
    assert "201" in grant["responses"]
    assert grant["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "GrantRequest"
    )
