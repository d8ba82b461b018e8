"""The production stack: docker-compose.yml, the Dockerfile and what they promise.

No container is started here. The compose file is validated against the Compose Specification
schema (vendored in tests/data/) and read for what docs/operations.md promises: five services,
health checks, start order, migrations before the app, data in named volumes, and only
variable names that config/settings.py actually reads. When a compose CLI is installed, its own
`config` check runs too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def command_of(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def healthcheck_text(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def test_the_compose_file_follows_the_compose_specification(compose):
    schema = json.loads((ROOT / "tests" / "data" / "compose_spec.json").read_text())
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda error: error.path
    )
    assert errors == [], [f"{list(error.path)}: {error.message}" for error in errors]


def test_the_schema_check_catches_a_misspelt_key(compose):
    schema = json.loads((ROOT / "tests" / "data" / "compose_spec.json").read_text())
    broken = {**compose, "services": {**compose["services"], "web": {"imagee": "x"}}}
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_the_stack_has_the_web_worker_beat_database_and_redis(services):
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"


def test_each_process_runs_its_own_command_from_the_one_image(services):
    assert command_of(services["web"]).startswith("gunicorn config.wsgi")
    assert "--bind=0.0.0.0:8000" in command_of(services["web"])
    assert command_of(services["worker"]).startswith("celery -A config worker")
    assert command_of(services["beat"]).startswith("celery -A config beat")
    assert command_of(services["migrate"]) == "python manage.py migrate --noinput"
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["image"] == "bazaar:latest"


def test_migrations_run_once_before_the_app_starts(services):
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }


def test_web_database_and_redis_have_health_checks(services):
    assert "http://127.0.0.1:8000/healthz" in healthcheck_text(services["web"])
    assert "X-Forwarded-Proto" in healthcheck_text(services["web"])
    assert healthcheck_text(services["db"]).startswith("CMD pg_isready")
    assert healthcheck_text(services["redis"]) == "CMD redis-cli ping"
    assert "inspect ping" in healthcheck_text(services["worker"])


def test_the_web_health_check_is_valid_python():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    compile(test[3], "healthcheck", "exec")


def test_the_app_runs_in_production_with_the_secrets_required(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DJANGO_ENV"] == "production"
        # `${VAR:?message}`: compose refuses to start rather than run with an empty secret.
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
        assert environment["DATABASE_URL"].startswith("postgres://bazaar:")
        assert environment["DATABASE_URL"].endswith("@db:5432/bazaar")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_every_variable_given_to_the_app_is_one_the_settings_read(services):
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:bool|int|list)?\("([A-Z_]+)"', settings_source))
    given = set(services["web"]["environment"])
    assert given - read == set()


def test_data_lives_in_named_volumes(compose, services):
    assert {"pgdata", "redisdata", "media", "beat"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert "media:/app/media" in services["web"]["volumes"]
    assert "beat:/app/var" in services["beat"]["volumes"]


def test_the_image_is_slim_synced_from_the_lock_file_and_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]
    assert instructions[0] == "FROM python:3.13-slim"
    assert "pip install --no-cache-dir --disable-pip-version-check uv" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")


def test_local_state_and_secrets_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", ".venv", ".env", "db.sqlite3", "media/", "staticfiles/"):
        assert entry in ignored


def compose_cli() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, timeout=10
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    return None


def test_the_compose_cli_accepts_the_file_and_demands_the_secrets(tmp_path):
    cli = compose_cli()
    if cli is None:
        pytest.skip("no docker compose CLI installed; the schema test above still applies")
    base = [*cli, "--project-directory", str(tmp_path), "-f", str(COMPOSE_FILE), "config", "-q"]
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin"}
    accepted = subprocess.run(
        base,
        env={**env, "SECRET_KEY": "k" * 50, "POSTGRES_PASSWORD": "p"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert accepted.returncode == 0, accepted.stderr
    refused = subprocess.run(base, env=env, capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
