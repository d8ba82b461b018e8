"""config/settings.py: what each environment variable switches, and the production posture.

Settings are read once per interpreter, so each case runs in a fresh Python with exactly the
environment it names (nothing inherited from the test run) and reports the values as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "p7#Vq2!mZ8rT4wLx9@kN3sB6yH1cF5gJ0dU" * 2

# Prints the settings under test as one JSON line.
REPORT = """
import json
from django.conf import settings
print(json.dumps({
    "env": settings.DJANGO_ENV,
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "broker": settings.CELERY_BROKER_URL,
    "results": settings.CELERY_RESULT_BACKEND,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "hashers": settings.PASSWORD_HASHERS,
    "silenced": settings.SILENCED_SYSTEM_CHECKS,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
             settings.SECURE_HSTS_PRELOAD],
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "referrer_policy": settings.SECURE_REFERRER_POLICY,
    "log_format": settings.LOGGING["handlers"]["console"]["formatter"],
}))
"""

# Asks the production site for /healthz through Django's test client, over HTTPS and plain HTTP.
PRODUCTION_RESPONSE = """
import json
import django
django.setup()
from django.test import Client
client = Client()
secure = client.get("/healthz", secure=True, headers={"host": "bazaar.example"})
plain = client.get("/healthz", headers={"host": "bazaar.example"})
print(json.dumps({
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
}))
"""


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run the project's Python in ROOT with only PATH and the given variables."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(**env: str) -> dict:
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    result = run_python(["-c", REPORT], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "bazaar.example",
        "SITE_URL": "https://bazaar.example",
        "SQLITE_PATH": str(tmp_path / "production.sqlite3"),
        # Nothing listens there: the settings and the checks never connect to it.
        "REDIS_URL": "redis://127.0.0.1:1/0",
        **extra,
    }


def test_with_nothing_set_the_site_runs_on_the_embedded_default():
    values = settings_with()
    assert values["env"] == "development"
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(ROOT / "db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["broker"] == "memory://"
    assert values["eager"] is True
    assert values["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_database_url_switches_to_postgresql():
    values = settings_with(DATABASE_URL="postgres://bazaar:secret@db.internal:5432/bazaar_prod")
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "bazaar_prod"
    assert values["db_host"] == "db.internal"
    assert values["db_options"]["options"] == "-c jit=off"  # short queries, no JIT
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_switches_cache_broker_and_results_to_redis_and_tasks_to_the_worker():
    values = settings_with(REDIS_URL="redis://cache.internal:6379/2")
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["cache_location"] == "redis://cache.internal:6379/2"
    assert values["broker"] == values["results"] == "redis://cache.internal:6379/2"
    assert values["eager"] is False
    assert values["engine"] == "django.db.backends.sqlite3"


def test_tasks_can_be_kept_eager_with_redis_configured():
    values = settings_with(REDIS_URL="redis://127.0.0.1:6379/2", CELERY_TASK_ALWAYS_EAGER="1")
    assert values["eager"] is True


def test_the_test_environment_hashes_passwords_fast():
    values = settings_with(DJANGO_ENV="test")
    assert values["hashers"][0] == "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_ENV", "staging"),
        ("CELERY_TASK_ALWAYS_EAGER", "maybe"),
        ("DEBUG", "sometimes"),
        ("CELERY_TASK_SOFT_TIME_LIMIT", "five minutes"),
        ("MAX_IMAGE_BYTES", "10MB"),
    ],
)
def test_a_bad_value_stops_the_site_with_its_name(name, value):
    result = run_python(["-c", "import config.settings"], **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_an_unknown_database_scheme_stops_the_site():
    result = run_python(["-c", "import config.settings"], DATABASE_URL="mongodb://db/bazaar")
    assert result.returncode != 0
    assert "mongodb" in result.stderr


# a shared cache, a secret, the address emails link to
@pytest.mark.parametrize("variable", ["REDIS_URL", "SECRET_KEY", "SITE_URL"])
def test_production_refuses_to_start_without(tmp_path, variable):
    env = production_env(tmp_path)
    del env[variable]
    result = run_python(["-c", "import config.settings"], **env)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {variable} must be set" in result.stderr


def test_production_passes_the_deployment_checklist_with_nothing_silenced(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert settings_with(**production_env(tmp_path))["silenced"] == []


def test_the_deployment_checklist_fails_with_a_weak_key(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(tmp_path, SECRET_KEY="short"),
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_is_https_only_with_hsts_secure_cookies_and_argon2(tmp_path):
    values = settings_with(**production_env(tmp_path))
    assert values["debug"] is False
    assert values["allowed_hosts"] == ["bazaar.example"]
    assert values["ssl_redirect"] is True
    assert values["hsts"] == [31_536_000, True, True]
    assert values["secure_cookies"] == [True, True]
    assert values["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["referrer_policy"] == "same-origin"


def test_production_responses_carry_the_security_headers(tmp_path):
    # The suite's Redis when it runs (then the site is healthy), else one nobody listens on
    # (then /healthz says so); the headers are the same either way.
    redis = os.environ.get("REDIS_URL")
    extra = {"REDIS_URL": redis} if redis else {}
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings", **extra)
    result = run_python(["-c", PRODUCTION_RESPONSE], **env)
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout.strip().splitlines()[-1])
    headers = response["headers"]
    assert response["status"] == (200 if redis else 503)
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "upgrade-insecure-requests" in csp
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # Plain HTTP is redirected to HTTPS before any view runs.
    assert response["plain_status"] == 301
    assert response["plain_location"] == "https://bazaar.example/healthz"
