"""The welcome after sign-up and the privacy dashboard: granting, skipping, withdrawing, and what
the dashboard tells a person about their data."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import profile_mark_onboarded
from privacy import consent
from privacy.models import ConsentRecord, ConsentState, UsageCount
from privacy.purposes import FOR_YOURSELF, NOTICES, Purpose, Scope
from privacy.services.consent import consent_grant
from privacy.usage import record
from social.services.circles import circle_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SOCIAL = Purpose.SOCIAL_PROOF.value
HTMX = {"HTTP_HX_REQUEST": "true"}
NEW_PASSWORD = "a long and unusual pass phrase"


def grant_url(purpose=SOCIAL):
    return reverse("privacy:grant", args=[purpose])


def withdraw_url(purpose=SOCIAL):
    return reverse("privacy:withdraw", args=[purpose])


def words_of(html: str) -> str:
    """Visible words, tags stripped and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def text_of(response) -> str:
    return words_of(response.content.decode())


def ledger_size() -> int:
    return ConsentRecord.objects.count()


# --- Getting there after sign-up ------------------------------------------------------------


def test_signing_up_and_confirming_the_address_leads_to_the_welcome(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {
            "name": "Nora Newcomer",
            "email": "newcomer@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[0].body)
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert response["Location"] == settings.ONBOARDING_URL == reverse("privacy:onboarding")

    welcome = client.get(response["Location"])
    assert welcome.status_code == 200
    words = text_of(welcome)
    for notice in NOTICES.values():
        assert notice.summary in words
        assert notice.text in words
    assert words.count(" Off ") == len(Purpose)
    assert "Skip all" in words
    assert not ConsentState.objects.exists()


def test_signing_in_leads_to_the_welcome_until_it_is_done(client, owner):
    login = {"login": owner.email, "password": PASSWORD}
    response = client.post(reverse("account_login"), login)
    assert response["Location"] == settings.ONBOARDING_URL
    client.logout()
    profile_mark_onboarded(user=owner)
    response = client.post(reverse("account_login"), login)
    assert response["Location"] == reverse("home")


def test_an_address_to_go_back_to_wins_over_the_welcome(client, owner):
    response = client.post(
        reverse("account_login") + "?next=/friends/",
        {"login": owner.email, "password": PASSWORD},
    )
    assert response["Location"] == "/friends/"


def test_finishing_the_welcome_marks_it_done_and_goes_home(client_for, owner):
    client = client_for(owner)
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS, method="onboarding")
    response = client.post(reverse("privacy:onboarding_finish"), follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "You're all set" in text_of(response)
    owner.profile.refresh_from_db()
    first = owner.profile.onboarded_at
    assert first is not None
    client.post(reverse("privacy:onboarding_finish"))
    owner.profile.refresh_from_db()
    assert owner.profile.onboarded_at == first


def test_skip_all_keeps_everything_off_and_writes_nothing(client_for, owner):
    response = client_for(owner).post(
        reverse("privacy:onboarding_finish"), {"skip_all": "1"}, follow=True
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Everything stays off" in text_of(response)
    assert ledger_size() == 0
    assert not ConsentState.objects.exists()
    owner.profile.refresh_from_db()
    assert owner.profile.onboarded_at is not None


# --- The welcome: grant with a scope, or skip -----------------------------------------------


@pytest.mark.parametrize("scope", [Scope.FRIENDS, Scope.FOF, Scope.CIRCLES])
def test_the_welcome_grants_with_each_scope_in_one_click(client_for, graph, scope):
    owner, circle_a = graph["owner"], graph["circle_a"]
    body = {"scope": scope, "circles": [circle_a.pk]}  # circles count only with their scope
    response = client_for(owner).post(reverse("privacy:onboarding_grant", args=[SOCIAL]), body)
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:onboarding") + f"#purpose-{SOCIAL}"
    state = ConsentState.objects.get(user=owner, purpose=SOCIAL)
    assert state.scope == scope
    expected_circles = {circle_a.pk} if scope == Scope.CIRCLES else set()
    assert set(state.circles.values_list("pk", flat=True)) == expected_circles
    granted = ConsentRecord.objects.get(user=owner)
    assert (granted.action, granted.method) == ("granted", "onboarding")
    assert granted.notice_version == NOTICES[SOCIAL].version


def test_the_welcome_offers_the_persons_own_circles_as_checkboxes(client_for, graph):
    book_club = circle_create(owner=graph["friend_a"], name="Book club")
    response = client_for(graph["owner"]).get(reverse("privacy:onboarding"))
    body = response.content.decode()
    checkbox = f'name="circles" value="{graph["circle_a"].pk}"'
    assert body.count(checkbox) == len(Purpose) - len(FOR_YOURSELF)  # those have no audience
    assert f'value="{book_club.pk}"' not in body


def test_skipping_a_purpose_leaves_it_off_and_says_so(client_for, owner):
    client = client_for(owner)
    skip = reverse("privacy:onboarding_skip", args=[SOCIAL])
    assert client.post(skip).status_code == 302
    card = client.post(skip, **HTMX)
    assert card.status_code == 200
    assert f'id="purpose-{SOCIAL}"' in card.content.decode()
    assert "Left off" in text_of(card)
    assert "<html" not in card.content.decode()
    assert ledger_size() == 0
    assert "Left off" in text_of(client.get(reverse("privacy:onboarding")))


def test_the_welcome_grants_and_turns_off_over_htmx(client_for, owner):
    client = client_for(owner)
    card = client.post(
        reverse("privacy:onboarding_grant", args=[SOCIAL]), {"scope": "friends"}, **HTMX
    )
    assert card.status_code == 200
    assert "On for friends." in text_of(card)
    assert "<html" not in card.content.decode()
    card = client.post(reverse("privacy:onboarding_withdraw", args=[SOCIAL]), **HTMX)
    assert "Off. Nothing of yours is used" in text_of(card)
    assert list(
        ConsentRecord.objects.filter(user=owner).order_by("id").values_list("action", "method")
    ) == [("granted", "onboarding"), ("withdrawn", "onboarding")]


# --- The dashboard --------------------------------------------------------------------------


def test_the_dashboard_shows_each_purpose_with_its_state_and_history(client_for, graph):
    owner = graph["owner"]
    consent_grant(
        user=owner, purpose=SOCIAL, scope=Scope.CIRCLES, circle_ids=[graph["circle_a"].pk]
    )
    consent_grant(user=owner, purpose=Purpose.INFLUENCE, scope=Scope.FRIENDS, method="api")
    response = client_for(owner).get(reverse("privacy:dashboard"))
    assert response.status_code == 200
    words = text_of(response)
    assert words.count(" On ") == 2 and words.count(" Off ") == len(Purpose) - 2
    assert "Who for Chosen circles: Circle A" in words
    assert "Who for Friends" in words
    assert "Since" in words
    history = [row.split("</td>") for row in response.content.decode().split("<tr>")[2:]]
    assert len(history) == 2
    newest = words_of("".join(history[0]))
    assert "Trusted voice" in newest and "API" in newest and "version 1" in newest
    oldest = words_of("".join(history[1]))
    assert "Friends can learn from my purchases" in oldest and "Privacy dashboard" in oldest
    assert "Chosen circles (1 circle)" in oldest


def test_the_dashboard_grants_with_each_scope(client_for, graph):
    owner, client = graph["owner"], client_for(graph["owner"])
    for scope in (Scope.FRIENDS, Scope.FOF, Scope.CIRCLES):
        response = client.post(grant_url(), {"scope": scope, "circles": [graph["family"].pk]})
        assert response.status_code == 302
        assert ConsentState.objects.get(user=owner, purpose=SOCIAL).scope == scope
    state = ConsentState.objects.get(user=owner, purpose=SOCIAL)
    assert list(state.circles.all()) == [graph["family"]]
    methods = set(ConsentRecord.objects.filter(user=owner).values_list("method", flat=True))
    assert methods == {"dashboard"}


def test_the_dashboard_says_nothing_is_used_while_everything_is_off(client_for, owner):
    words = text_of(client_for(owner).get(reverse("privacy:dashboard")))
    assert "Nothing of yours is used: every purpose is off." in words
    assert "No changes yet." in words


def test_the_dashboard_shows_todays_use_grouped_by_purpose_and_the_recent_days(client_for, owner):
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    for _ in range(3):
        record(owner, SOCIAL, "Your review of the Trek Marlin 7")
    record(owner, Purpose.INSIGHTS, "Your purchase of a kettle")
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    oldest_shown = today - dt.timedelta(days=13)
    too_old = today - dt.timedelta(days=14)
    for day, purpose, label, count in (
        (yesterday, SOCIAL, "An older review", 4),
        (yesterday, SOCIAL, "Another review", 1),
        (yesterday, Purpose.INSIGHTS, "Your purchase of a kettle", 2),
        (oldest_shown, SOCIAL, "An older review", 1),
        (too_old, SOCIAL, "An older review", 9),
    ):
        UsageCount.objects.create(owner=owner, purpose=purpose, label=label, day=day, count=count)
    words = text_of(client_for(owner).get(reverse("privacy:dashboard")))

    assert "Your review of the Trek Marlin 7: used 3 times today" in words
    assert "Your purchase of a kettle: used 1 time today" in words
    assert "An older review: used" not in words
    assert words.index("Friends can learn from my purchases Your review") < words.index(
        "Anonymous insights Your purchase of a kettle"
    )
    assert "Recent days" in words
    newest = (
        f"{yesterday:%A %-d %B}: Friends can learn from my purchases 5 times, "
        "Anonymous insights 2 times"
    )
    oldest = f"{oldest_shown:%A %-d %B}: Friends can learn from my purchases 1 time"
    assert newest in words and oldest in words
    assert words.index(newest) < words.index(oldest)
    assert f"{too_old:%A %-d %B}" not in words and "9 times" not in words
    for day in range(2, 13):
        assert f"{today - dt.timedelta(days=day):%A %-d %B}:" not in words
    assert "every purpose is off" not in words


def test_the_dashboard_says_nothing_was_used_today_when_only_earlier_days_were(client_for, owner):
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    UsageCount.objects.create(owner=owner, purpose=SOCIAL, label="A review", day=yesterday, count=2)
    words = text_of(client_for(owner).get(reverse("privacy:dashboard")))
    assert "Nothing of yours was used today." in words
    assert f"{yesterday:%A %-d %B}: Friends can learn from my purchases 2 times" in words


def test_the_dashboard_counts_day_by_day_once_a_purpose_is_on(client_for, owner):
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    too_old = timezone.localdate() - dt.timedelta(days=14)
    UsageCount.objects.create(owner=owner, purpose=SOCIAL, label="A review", day=too_old, count=2)
    words = text_of(client_for(owner).get(reverse("privacy:dashboard")))
    assert "Nothing of yours has been used yet. Each use will be counted here, day by day." in words
    assert "Recent days" not in words


def test_the_dashboard_shows_who_sees_what(client_for, graph):
    from social.services import posts

    owner = graph["owner"]
    posts.post_create(author=owner, text="hello", audience="public")
    posts.post_create(author=owner, text="hi", audience="friends")
    posts.post_create(author=owner, text="hey", audience="friends")
    response = client_for(owner).get(reverse("privacy:dashboard"))
    words = text_of(response)
    assert "Your profile details Friends" in words
    assert "Your posts 1 for everyone, 2 for friends" in words
    body = response.content.decode()
    assert reverse("social:view_as") in body
    assert reverse("social:settings") in body


def test_the_dashboard_keeps_its_query_count_whatever_the_number_of_grants(
    client_for, graph, django_assert_num_queries
):
    owner, client = graph["owner"], client_for(graph["owner"])
    consent_grant(
        user=owner, purpose=SOCIAL, scope=Scope.CIRCLES, circle_ids=[graph["circle_a"].pk]
    )
    client.get(reverse("privacy:dashboard"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("privacy:dashboard"))
    for purpose in (Purpose.INFLUENCE, Purpose.INSIGHTS):
        consent_grant(
            user=owner, purpose=purpose, scope=Scope.CIRCLES, circle_ids=[graph["family"].pk]
        )
    consent_grant(user=owner, purpose=Purpose.OFFERS)
    with django_assert_num_queries(len(one)):
        client.get(reverse("privacy:dashboard"))


def test_the_account_menu_and_the_home_page_link_to_the_dashboard(client_for, owner):
    body = client_for(owner).get(reverse("home")).content.decode()
    assert body.count(f'href="{reverse("privacy:dashboard")}"') == 2


# --- Withdrawing ----------------------------------------------------------------------------


def test_withdrawing_over_htmx_swaps_the_card(client_for, owner):
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    card = client_for(owner).post(withdraw_url(), **HTMX)
    assert card.status_code == 200
    body = card.content.decode()
    assert body.startswith("<article") or body.lstrip().startswith("<article")
    assert f'id="purpose-{SOCIAL}"' in body and "<html" not in body
    words = text_of(card)
    assert " Off " in f" {words} " and "Turn on for friends" in words
    assert not ConsentState.objects.filter(user=owner).exists()
    withdrawn = ConsentRecord.objects.filter(user=owner).first()
    assert (withdrawn.action, withdrawn.method) == ("withdrawn", "dashboard")


def test_withdrawing_without_javascript_redirects_with_a_message(client_for, owner):
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    response = client_for(owner).post(withdraw_url(), follow=True)
    assert response.redirect_chain == [(reverse("privacy:dashboard") + f"#purpose-{SOCIAL}", 302)]
    assert "is off. Nothing of yours is used for it now." in text_of(response)
    assert not ConsentState.objects.filter(user=owner).exists()


def test_withdrawal_takes_effect_on_the_very_next_request_caches_included(
    client_for, graph, django_capture_on_commit_callbacks
):
    owner, friend = graph["owner"], graph["friend_b"]
    client = client_for(owner)
    client.post(grant_url(), {"scope": "friends"})
    assert consent.allows(owner, SOCIAL, friend)
    cached_key = f"friends-who-bought:{friend.pk}:{consent.consent_version(SOCIAL)}"
    cache.set(cached_key, [owner.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(withdraw_url())

    assert not consent.allows(owner, SOCIAL, friend)
    assert client.get(reverse("api-privacy-purposes")).json()[0]["granted"] is False
    key_now = f"friends-who-bought:{friend.pk}:{consent.consent_version(SOCIAL)}"
    assert key_now != cached_key
    assert cache.get(key_now) is None


def test_withdrawing_what_was_not_granted_says_so_and_changes_nothing(client_for, owner):
    response = client_for(owner).post(withdraw_url(), follow=True)
    assert "You have not granted this." in text_of(response)
    assert ledger_size() == 0
    card = client_for(owner).post(withdraw_url(), **HTMX)
    assert card.status_code == 200
    assert "bazaar:error" in card.headers["HX-Trigger"]


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"scope": "everyone"}, "Choose who it is for"),
        ({}, "Choose who it is for"),
        ({"scope": "circles"}, "Choose at least one circle."),
        ({"scope": "circles", "circles": ["not-a-number"]}, "Choose only among your own circles."),
    ],
)
def test_a_bad_grant_is_a_form_error_and_changes_nothing(client_for, owner, body, error):
    response = client_for(owner).post(grant_url(), body)
    assert response.status_code == 400
    assert error in text_of(response)
    assert 'role="alert"' in response.content.decode()
    assert ledger_size() == 0


def test_a_scope_naming_someone_elses_circle_is_refused(client_for, graph):
    owner = graph["owner"]
    consent_grant(user=owner, purpose=SOCIAL, scope=Scope.FRIENDS)
    before = ledger_size()
    theirs = graph["friend_a"].circles.first()
    client = client_for(owner)
    body = {"scope": "circles", "circles": [theirs.pk]}
    response = client.post(grant_url(), body)
    assert response.status_code == 400
    assert "Choose only among your own circles." in text_of(response)
    card = client.post(grant_url(), body, **HTMX)
    assert card.status_code == 200
    assert "Choose only among your own circles." in card.headers["HX-Trigger"]
    assert 'role="alert"' in card.content.decode()
    assert ledger_size() == before
    state = ConsentState.objects.get(user=owner, purpose=SOCIAL)
    assert state.scope == Scope.FRIENDS and not state.circles.exists()


@pytest.mark.parametrize(
    "name",
    ["privacy:grant", "privacy:withdraw", "privacy:onboarding_grant", "privacy:onboarding_skip"],
)
def test_an_unknown_purpose_is_not_found(client_for, owner, name):
    response = client_for(owner).post(reverse(name, args=["selling_my_soul"]), {"scope": "friends"})
    assert response.status_code == 404
    assert ledger_size() == 0


# --- Nobody sees another person's consents --------------------------------------------------


def test_nobody_sees_or_withdraws_another_persons_consent(client_for, graph):
    owner, friend = graph["owner"], graph["friend_a"]
    consent_grant(
        user=owner, purpose=SOCIAL, scope=Scope.CIRCLES, circle_ids=[graph["circle_a"].pk]
    )
    client = client_for(friend)
    words = text_of(client.get(reverse("privacy:dashboard")))
    assert " On " not in f" {words} "
    assert "Circle A" not in words
    assert "No changes yet." in words
    client.post(withdraw_url())
    assert ConsentState.objects.filter(user=owner, purpose=SOCIAL).exists()
    assert not ConsentRecord.objects.filter(user=friend).exists()


def test_pages_are_for_signed_in_people_only(client):
    for url in (reverse("privacy:dashboard"), reverse("privacy:onboarding")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_dashboard_explains_how_counts_that_include_you_are_protected(
    client_for, owner, settings
):
    from privacy.releases import release

    settings.PRIVACY_EPSILON_PER_DAY = 10.0
    for n in range(3):  # three questions asked today
        release(owner, ("q", n), lambda noise: {})
    body = client_for(owner).get(reverse("privacy:dashboard")).content.decode()
    assert "How counts that include you are protected" in body
    assert "random noise added and rounded" in body
    assert "only 10 new questions a day" in body
    assert "Your own questions today: 7 of 10 left." in body


# --- Purposes for yourself ----------------------------------------------------------------------


def test_a_purpose_for_yourself_offers_one_button_and_no_audience(client_for, owner):
    client = client_for(owner)
    page = client.get(reverse("privacy:dashboard")).content.decode()
    card = page[page.index('id="purpose-personalization"') :]
    card = card[: card.index("</article>")]
    assert "For you alone" in card
    assert "Turn on for friends" not in card and "circles" not in card
    response = client.post(grant_url(Purpose.PERSONALIZATION), **HTMX)
    assert response.status_code == 200
    assert "On for you alone." in response.content.decode()
    assert "Change who it is for" not in response.content.decode()
    assert ConsentState.objects.get(user=owner).scope == ""


def test_the_welcome_asks_for_an_audience_only_where_it_means_something(client_for, owner):
    page = client_for(owner).get(reverse("privacy:onboarding")).content.decode()
    assert page.count("Turn on for friends of friends") == 3  # social proof, influence, insights
    assert page.count("For you alone") == 2  # recommendations for me, offers
