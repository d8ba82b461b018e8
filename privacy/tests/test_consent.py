"""The consent ledger, its current state, and the gate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, InternalError, connection, transaction

from accounts.models import User
from config.errors import DomainError, NotFound
from privacy import consent
from privacy.models import AuditEvent, ConsentRecord, ConsentState, pseudonym_for
from privacy.purposes import NOTICES, Purpose, Scope
from privacy.services.consent import consent_grant, consent_withdraw
from social.services.blocks import block_create

SOCIAL = Purpose.SOCIAL_PROOF
PERSONAL = Purpose.PERSONALIZATION
VIEWERS = ["anonymous", "stranger", "fof", "friend_a", "friend_b", "owner", "blocked", "moderator"]


def who_is_allowed(graph, purpose=SOCIAL) -> set[str]:
    allowed = set()
    for name in VIEWERS:
        viewer = AnonymousUser() if name == "anonymous" else graph[name]
        one = consent.allows(graph["owner"], purpose, viewer)
        in_sql = consent.keep_allowing(
            User.objects.filter(pk=graph["owner"].pk), purpose, viewer
        ).exists()
        assert one == in_sql, name
        if one:
            allowed.add(name)
    return allowed


def test_everything_starts_off(graph):
    for purpose in Purpose.values:
        assert who_is_allowed(graph, purpose) == set()
        assert not consent.granted(graph["owner"], purpose)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope.FRIENDS, {"owner", "friend_a", "friend_b"}),
        (Scope.FOF, {"owner", "friend_a", "friend_b", "fof"}),
        (Scope.CIRCLES, {"owner", "friend_a"}),
    ],
)
def test_each_scope_reaches_exactly_its_people(graph, scope, expected):
    circles = [graph["circle_a"].pk] if scope == Scope.CIRCLES else []
    consent_grant(user=graph["owner"], purpose=SOCIAL, scope=scope, circle_ids=circles)
    assert who_is_allowed(graph) == expected


def test_a_grant_is_for_one_purpose_only(graph):
    consent_grant(user=graph["owner"], purpose=SOCIAL, scope=Scope.FRIENDS)
    assert who_is_allowed(graph, Purpose.INFLUENCE) == set()


@pytest.mark.parametrize("purpose", [Purpose.PERSONALIZATION, Purpose.OFFERS])
def test_a_purpose_for_yourself_has_no_audience_and_reaches_only_its_owner(graph, purpose):
    consent_grant(user=graph["owner"], purpose=purpose)
    assert who_is_allowed(graph, purpose) == {"owner"}
    assert ConsentState.objects.get(purpose=purpose).scope == ""


@pytest.mark.parametrize("purpose", [Purpose.PERSONALIZATION, Purpose.OFFERS])
def test_an_audience_for_a_purpose_for_yourself_is_refused(graph, purpose):
    with pytest.raises(DomainError, match="for you alone") as refused:
        consent_grant(user=graph["owner"], purpose=purpose, scope=Scope.FRIENDS)
    assert refused.value.code == "no_audience"
    assert not ConsentState.objects.exists()


def test_a_purpose_shown_to_others_needs_an_audience(graph):
    with pytest.raises(DomainError, match="Choose who it is for") as refused:
        consent_grant(user=graph["owner"], purpose=SOCIAL)
    assert refused.value.code == "no_scope"


def test_the_database_holds_the_scope_to_the_purpose(graph):
    consent_grant(user=graph["owner"], purpose=SOCIAL, scope=Scope.FRIENDS)
    consent_grant(user=graph["owner"], purpose=Purpose.PERSONALIZATION)
    for purpose, scope in ((SOCIAL, ""), (Purpose.PERSONALIZATION, Scope.FRIENDS)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentState.objects.filter(purpose=purpose).update(scope=scope)


def test_withdrawal_takes_effect_on_the_next_query_and_moves_the_version(graph):
    owner = graph["owner"]
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    assert consent.allows(owner, SOCIAL, graph["friend_b"])
    before = consent.consent_version(SOCIAL)
    with transaction.atomic():
        consent_withdraw(user=owner, purpose=SOCIAL)
    assert not consent.allows(owner, SOCIAL, graph["friend_b"])
    assert not ConsentState.objects.filter(user=owner).exists()
    assert consent.consent_version(SOCIAL) != before


def test_a_consent_version_moves_at_once_and_again_on_commit(
    graph, django_capture_on_commit_callbacks
):
    before = consent.consent_version(SOCIAL)
    with django_capture_on_commit_callbacks(execute=True):
        consent_grant(user=graph["owner"], purpose=SOCIAL, scope=Scope.FRIENDS)
        during = consent.consent_version(SOCIAL)  # a read later in the same transaction misses
    after = consent.consent_version(SOCIAL)  # and what was cached meanwhile is not read again
    assert len({before, during, after}) == 3


def test_granting_personalization_leaves_the_social_proof_version_as_it_is(graph):
    social, personal = consent.consent_version(SOCIAL), consent.consent_version(PERSONAL)
    consent_grant(user=graph["owner"], purpose=PERSONAL)
    assert consent.consent_version(SOCIAL) == social
    assert consent.consent_version(PERSONAL) != personal


def test_withdrawing_social_proof_moves_its_version_alone(graph):
    owner = graph["owner"]
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    social, personal = consent.consent_version(SOCIAL), consent.consent_version(PERSONAL)
    consent_withdraw(user=owner, purpose=SOCIAL)
    assert consent.consent_version(SOCIAL) != social
    assert consent.consent_version(PERSONAL) == personal


def test_a_version_evicted_from_the_cache_never_comes_back_as_an_old_token(graph):
    seen = {consent.consent_version(SOCIAL)}
    for _ in range(5):
        consent_grant(user=graph["owner"], purpose=SOCIAL, scope=Scope.FRIENDS)
        seen.add(consent.consent_version(SOCIAL))
        cache.delete(consent.CONSENT_VERSION_KEY.format(SOCIAL))  # Redis evicted it
        new = consent.consent_version(SOCIAL)
        assert new not in seen
        seen.add(new)


def test_consent_rows_written_through_the_orm_move_their_purposes_version(graph):
    owner, circle = graph["owner"], graph["circle_a"]
    state = consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)

    def moves(write) -> bool:
        before = consent.consent_version(SOCIAL)
        write()
        return consent.consent_version(SOCIAL) != before

    def rescope() -> None:
        state.scope = Scope.CIRCLES
        state.save()

    assert moves(rescope)  # the admin, a shell
    assert moves(lambda: state.circles.add(circle))
    assert moves(lambda: state.circles.remove(circle))
    state.circles.add(circle)
    assert moves(state.circles.clear)
    assert moves(lambda: ConsentState.objects.filter(user=owner).delete())


def test_a_block_overrides_a_grant(graph):
    owner = graph["owner"]
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FOF)
    block_create(blocker=owner, blocked=graph["fof"])
    assert not consent.allows(owner, SOCIAL, graph["fof"])


def test_the_ledger_records_notice_method_and_pseudonym(graph):
    owner = graph["owner"]
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS, method="onboarding")
    consent_withdraw(user=owner, purpose=SOCIAL, method="api")
    granted, withdrawn = ConsentRecord.objects.filter(user=owner).order_by("id")
    assert granted.action == "granted" and granted.method == "onboarding"
    assert granted.notice_sha256 == NOTICES[SOCIAL].sha256
    assert granted.notice_version == NOTICES[SOCIAL].version
    assert withdrawn.action == "withdrawn" and withdrawn.method == "api"
    assert granted.subject == pseudonym_for(owner.pk) != str(owner.pk)
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "consent.granted",
        "consent.withdrawn",
    }


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"purpose": "selling_my_soul", "scope": "friends"}, "Unknown purpose"),
        ({"purpose": SOCIAL, "scope": "everyone"}, "Unknown scope"),
        ({"purpose": SOCIAL, "scope": "circles"}, "at least one circle"),
        ({"purpose": SOCIAL, "scope": "friends", "circle_ids": [1]}, "Chosen circles"),
    ],
)
def test_bad_grants_change_nothing(graph, kwargs, error):
    with pytest.raises(DomainError, match=error):
        consent_grant(user=graph["owner"], **kwargs)
    assert not ConsentRecord.objects.exists()
    assert not ConsentState.objects.exists()


def test_a_scope_naming_someone_elses_circle_is_refused(graph):
    theirs = graph["friend_a"].circles.first()
    with pytest.raises(DomainError, match="your own circles"):
        consent_grant(
            user=graph["owner"], purpose=SOCIAL, scope=Scope.CIRCLES, circle_ids=[theirs.pk]
        )
    assert not ConsentRecord.objects.exists()


def test_withdrawing_what_was_never_granted_is_refused(graph):
    with pytest.raises(NotFound):
        consent_withdraw(user=graph["owner"], purpose=SOCIAL)
    assert not ConsentRecord.objects.exists()


def test_the_orm_refuses_to_edit_or_delete_records(graph):
    consent_grant(user=graph["owner"], purpose=SOCIAL, scope=Scope.FRIENDS)
    record = ConsentRecord.objects.get()
    record.scope = Scope.FOF
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        record.delete()
    with pytest.raises(TypeError):
        ConsentRecord.objects.update(scope=Scope.FOF)
    with pytest.raises(TypeError):
        ConsentRecord.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_to_edit_records(graph):
    consent_grant(user=graph["owner"], purpose=SOCIAL, scope=Scope.FRIENDS)
    record = ConsentRecord.objects.get()
    with pytest.raises((IntegrityError, InternalError)):
        _raw("UPDATE privacy_consentrecord SET scope = 'fof' WHERE id = %s", [record.pk])
    with pytest.raises((IntegrityError, InternalError)):
        _raw("UPDATE privacy_auditevent SET action = 'nothing' WHERE id > %s", [0])
    assert ConsentRecord.objects.get().scope == Scope.FRIENDS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_postgresql_refuses_to_delete_records(graph):
    consent_grant(user=graph["owner"], purpose=SOCIAL, scope=Scope.FRIENDS)
    with pytest.raises(IntegrityError):
        _raw("DELETE FROM privacy_consentrecord WHERE id > %s", [0])
    with pytest.raises(IntegrityError):
        _raw("DELETE FROM privacy_auditevent WHERE id > %s", [0])
    assert ConsentRecord.objects.count() == 1


def test_erasing_a_person_pseudonymises_their_records(graph):
    owner = graph["owner"]
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    subject = pseudonym_for(owner.pk)
    owner.delete()
    record = ConsentRecord.objects.get()
    assert record.user_id is None and record.subject == subject
    assert AuditEvent.objects.get().actor_id is None
    # Pseudonymised once, a record can't be pointed at someone else.
    with pytest.raises((IntegrityError, InternalError)):
        _raw(
            "UPDATE privacy_consentrecord SET user_id = %s WHERE id = %s",
            [graph["stranger"].pk, record.pk],
        )
