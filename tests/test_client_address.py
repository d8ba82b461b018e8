"""Rate limits count per client behind the documented TLS proxy (config/clients.py):
X-Forwarded-For is read only from a trusted proxy, from the right; a forged header from anyone
else changes nothing."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from config.clients import client_ip
from config.throttling import AnonRateThrottle

PROXY = "10.0.0.2"


def request_from(remote: str, forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from(PROXY, "203.0.113.5")) == PROXY


def test_behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_address(behind_proxy):
    assert client_ip(request_from(PROXY, "203.0.113.5")) == "203.0.113.5"
    # What the client wrote at the left is theirs to invent; the proxy appended the truth.
    assert client_ip(request_from(PROXY, "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    # Two proxies of ours in a row.
    assert client_ip(request_from(PROXY, "203.0.113.5, 10.0.0.7")) == "203.0.113.5"


def test_a_header_from_anyone_else_changes_nothing(behind_proxy):
    assert client_ip(request_from("198.51.100.9", "203.0.113.5")) == "198.51.100.9"


def test_a_malformed_header_from_the_proxy_falls_back_to_the_proxy(behind_proxy):
    assert client_ip(request_from(PROXY, "not-an-address")) == PROXY
    assert client_ip(request_from(PROXY, "")) == PROXY


def test_the_api_throttle_counts_per_client_not_per_forged_header(settings):
    settings.TRUSTED_PROXIES = []
    throttle = AnonRateThrottle()
    first = throttle.get_ident(request_from("198.51.100.9", "1.1.1.1"))
    second = throttle.get_ident(request_from("198.51.100.9", "2.2.2.2"))
    assert first == second == "198.51.100.9"


def test_failed_sign_ins_from_one_client_do_not_lock_out_another_behind_the_proxy(
    behind_proxy, client, owner
):
    def sign_in(address: str, email: str, password: str):
        return client.post(
            "/accounts/login/",
            {"login": email, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=address,
        )

    for attempt in range(12):  # past "10 a minute per address", each on another account
        sign_in("203.0.113.5", f"nobody{attempt}@example.com", "wrong")
    locked = sign_in("203.0.113.5", "nobody99@example.com", "wrong")
    assert "Too many failed" in locked.text

    answer = sign_in("198.51.100.20", owner.email, "wrong")  # someone else, same proxy
    assert "Too many failed" not in answer.text


def test_a_bad_trusted_proxies_value_stops_the_site(tmp_path):
    from tests.test_settings import run_python

    result = run_python(
        ["-c", "import django; django.setup()"],
        DJANGO_SETTINGS_MODULE="config.settings",
        TRUSTED_PROXIES="10.0.0.0/24,proxy.local",
    )
    assert result.returncode != 0 and "TRUSTED_PROXIES holds 'proxy.local'" in result.stderr
