"""The production stack: docker-compose.yml, deploy/nginx.conf, the Dockerfile and what they
promise.

No container is started here. The compose file is read as compose reads it (variables filled in,
numbers cast) and validated against the Compose Specification schema (vendored in tests/data/),
then read for what docs/operations.md promises: the services, health checks, start order,
migrations before the app, nginx alone on the public port serving uploads and never exports,
Flower behind basic auth on this host only, replicas of web and worker and one beat, data in
named volumes, and only variable names that config/settings.py actually reads. When a compose CLI
is installed, its own `config` check runs too. tests/test_nginx.py runs nginx on the config.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from django.test import RequestFactory

from config.clients import client_ip
from config.settings import envlist

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
APP_SERVICES = ("migrate", "web", "worker", "beat", "flower")
# What an operator must give, and nothing else: every other variable has a default.
REQUIRED = {"SECRET_KEY": "k" * 50, "POSTGRES_PASSWORD": "p", "FLOWER_BASIC_AUTH": "ops:secret"}

# `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME?error}`,
# `${NAME:+other}`, `${NAME+other}`, and `$$` for a dollar sign.
VARIABLE = re.compile(
    r"\$(?:(?P<dollar>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\})"
)


class MissingVariable(Exception):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        if match["dollar"]:
            return "$"
        name, op, arg = match["name"], match["op"], match["arg"] or ""
        if op is None:
            return env.get(name, "")
        # With a colon, a variable set to "" counts as not set.
        present = name in env and (env[name] != "" or not op.startswith(":"))
        if op.endswith("-"):
            return env[name] if present else arg
        if op.endswith("?"):
            if not present:
                raise MissingVariable(arg or f"{name} must be set")
            return env[name]
        return arg if present else ""  # `+`

    return VARIABLE.sub(value, text)


def as_compose_reads_it(node: Any, env: dict[str, str]) -> Any:
    """The document with every variable filled in from `env`, as compose does before validating
    it; raises MissingVariable with the file's message for a required variable not given."""
    if isinstance(node, dict):
        read = {key: as_compose_reads_it(value, env) for key, value in node.items()}
        # Compose casts the fields that take a number once the variables are in.
        if isinstance(read.get("deploy"), dict) and "replicas" in read["deploy"]:
            read["deploy"]["replicas"] = int(read["deploy"]["replicas"])
        return read
    if isinstance(node, list):
        return [as_compose_reads_it(item, env) for item in node]
    if isinstance(node, str):
        return interpolate(node, env)
    return node


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


@pytest.fixture(scope="module")
def stack(compose) -> dict:
    """The services as compose starts them with only the required variables given."""
    return as_compose_reads_it(compose, REQUIRED)["services"]


def block(text: str, opening: str) -> str:
    """The body of the nginx block that starts with `opening` (up to its `{`)."""
    start = text.index(opening + " {") + len(opening) + 2
    depth = 1
    for position in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        if depth == 0:
            return text[start:position]
    raise AssertionError(f"the block {opening!r} is not closed")


@pytest.fixture(scope="module")
def nginx_conf() -> str:
    # Comments say why; the tests read the directives.
    return "\n".join(line.split("#", 1)[0] for line in NGINX_CONF.read_text().splitlines())


def test_the_compose_file_follows_the_compose_specification(compose):
    schema = json.loads((ROOT / "tests" / "data" / "compose_spec.json").read_text())
    read = as_compose_reads_it(compose, REQUIRED)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(read), key=lambda e: e.path)
    assert errors == [], [f"{list(error.path)}: {error.message}" for error in errors]


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_the_stack_refuses_to_start_without_each_secret(compose, missing):
    given = {name: value for name, value in REQUIRED.items() if name != missing}
    with pytest.raises(MissingVariable, match=f"{missing} must be set"):
        as_compose_reads_it(compose, given)


def test_the_schema_check_catches_a_misspelt_key(compose):
    schema = json.loads((ROOT / "tests" / "data" / "compose_spec.json").read_text())
    broken = {**compose, "services": {**compose["services"], "web": {"imagee": "x"}}}
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_the_stack_has_nginx_web_worker_beat_flower_database_and_redis(services):
    assert {"nginx", "web", "worker", "beat", "flower", "db", "redis"} <= set(services)
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert re.fullmatch(r"nginx:[0-9.]+(-alpine)?", services["nginx"]["image"])


def test_each_process_runs_its_own_command_from_the_one_image(services):
    assert command_of(services["web"]).startswith("gunicorn config.wsgi")
    assert "--bind=0.0.0.0:8000" in command_of(services["web"])
    assert command_of(services["worker"]).startswith("celery -A config worker")
    assert command_of(services["beat"]).startswith("celery -A config beat")
    assert command_of(services["migrate"]) == "python manage.py migrate --noinput"
    assert command_of(services["flower"]).startswith("celery -A config flower")
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
    assert "http://127.0.0.1:5555/healthcheck" in healthcheck_text(services["flower"])
    assert "http://127.0.0.1:8081/alive" in healthcheck_text(services["nginx"])


def test_each_worker_replica_checks_its_own_node(services):
    # `$$` is a dollar sign to compose: the shell in each container reads its own HOSTNAME.
    assert "celery@$$HOSTNAME" in healthcheck_text(services["worker"])


@pytest.mark.parametrize("name", ["web", "flower"])
def test_the_python_health_checks_are_valid_python(services, name):
    test = services[name]["healthcheck"]["test"]
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


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_variable_given_to_the_app_is_one_the_settings_read(services, name):
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:bool|int|list|float)?\("([A-Z_]+)"', settings_source))
    given = set(services[name]["environment"])
    if name == "flower":
        given -= {"FLOWER_BASIC_AUTH"}  # Flower's own, read by Flower (FLOWER_<option>)
    assert given - read == set()


def test_flower_is_given_no_variable_meant_for_the_host():
    # Flower takes every FLOWER_<option> in its environment as an option: FLOWER_PORT, the
    # host's port, must stay with compose.
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    flower_variables = {v for v in compose["services"]["flower"]["environment"] if "FLOWER" in v}
    assert flower_variables == {"FLOWER_BASIC_AUTH"}


def test_data_lives_in_named_volumes(compose, services):
    assert {"pgdata", "redisdata", "media", "exports", "beat"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert "beat:/app/var" in services["beat"]["volumes"]
    for name in ("web", "worker"):
        assert "media:/app/media" in services[name]["volumes"]
        assert "exports:/app/var" in services[name]["volumes"]


def mount_of(service: dict, volume: str) -> str | None:
    for entry in service.get("volumes", []):
        source, target, *_ = entry.split(":")
        if source == volume:
            return target
    return None


def test_uploads_and_exports_live_in_their_own_shared_volumes(services):
    # Every web replica and worker sees the same uploads and the same exports: a worker builds
    # an export that any web replica hands over; a photo uploaded through one replica is
    # linked by all.
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        media, exports = mount_of(services[name], "media"), mount_of(services[name], "exports")
        assert media is not None and exports is not None
        assert environment["MEDIA_ROOT"] == media
        assert Path(environment["PRIVATE_MEDIA_ROOT"]).is_relative_to(exports)
        # Exports are never below the uploads that a URL serves.
        assert not Path(environment["PRIVATE_MEDIA_ROOT"]).is_relative_to(media)
        assert not Path(exports).is_relative_to(media) and not Path(media).is_relative_to(exports)


# --- nginx in front -----------------------------------------------------------------------------


def test_nginx_alone_answers_on_the_public_port(services):
    assert services["nginx"]["ports"] == ["${WEB_PORT:-8000}:80"]
    # Flower is published to this host only; nothing else is published at all.
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx", "flower"}


def test_nginx_serves_uploads_read_only_from_the_media_volume_and_never_the_exports(services):
    nginx = services["nginx"]
    assert "media:/srv/media:ro" in nginx["volumes"]
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]
    sources = {entry.split(":")[0] for entry in nginx["volumes"]}
    assert sources == {"media", "./deploy/nginx.conf"}
    assert all(entry.endswith(":ro") for entry in nginx["volumes"])


def test_nginx_starts_once_the_web_processes_answer(services):
    assert services["nginx"]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_nginx_config_serves_media_from_the_volume_as_inert_files(nginx_conf):
    media = block(nginx_conf, "location ^~ /media/")
    assert "alias /srv/media/;" in media
    # Only pictures have a type of their own: no HTML, no SVG, nothing a browser would run.
    types = block(media, "types")
    named = {entry.split()[0] for entry in types.split(";") if entry.strip()}
    assert named <= {"image/jpeg", "image/png", "image/webp", "image/gif"}
    assert "default_type application/octet-stream;" in media
    assert "add_header X-Content-Type-Options nosniff always;" in media
    csp = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', media)
    assert csp and "default-src 'none'" in csp[1] and "sandbox" in csp[1]
    assert "limit_except GET" in media
    assert "proxy_pass" not in media
    # Nothing of the application's own directories is ever reachable through nginx.
    assert "/app/" not in nginx_conf and "exports" not in nginx_conf


def test_nginx_config_hands_everything_else_to_the_web_replicas(nginx_conf):
    proxied = block(nginx_conf, "location /")
    upstream = re.search(r"set \$(\w+) http://web:8000;", proxied)
    assert upstream and f"proxy_pass ${upstream[1]};" in proxied
    assert "proxy_set_header Host $http_host;" in proxied
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxied
    assert "proxy_set_header X-Forwarded-Proto $forwarded_proto;" in proxied
    # Docker's DNS, asked again as answers expire, so scaled or restarted replicas are found.
    assert re.search(r"resolver 127\.0\.0\.11 valid=\d+s", nginx_conf)
    assert "client_max_body_size" in block(nginx_conf, "server")


def test_nginx_passes_on_only_a_scheme_it_knows(nginx_conf):
    scheme = block(nginx_conf, "map $http_x_forwarded_proto $forwarded_proto")
    assert sorted(line.strip() for line in scheme.strip().splitlines()) == [
        "default $scheme;",
        "http http;",
        "https https;",
    ]


def test_the_web_processes_trust_nginx_and_only_its_network(compose, stack):
    proxy = compose["networks"]["proxy"]["ipam"]["config"][0]["subnet"]
    trusted = compose["services"]["web"]["environment"]["TRUSTED_PROXIES"]
    assert trusted.split(",")[0] == proxy
    assert stack["nginx"]["networks"] == ["proxy"]
    assert set(stack["web"]["networks"]) == {"default", "proxy"}
    # With the defaults, the subnet is a private network outside Docker's default pools.
    subnet = ipaddress.ip_network(interpolate(proxy, {}))
    assert subnet.is_private and subnet.subnet_of(ipaddress.ip_network("172.16.0.0/16"))
    assert stack["web"]["environment"]["TRUSTED_PROXIES"].split(",")[0] == str(subnet)
    # The operator adds the TLS proxy in front of nginx.
    given = as_compose_reads_it(compose, {**REQUIRED, "TRUSTED_PROXIES": "10.9.0.0/16"})
    assert given["services"]["web"]["environment"]["TRUSTED_PROXIES"].split(",") == [
        str(subnet),
        "10.9.0.0/16",
    ]


def test_behind_nginx_the_app_counts_the_client_not_nginx(settings, stack, monkeypatch):
    # Read as the settings read it: with no TLS proxy named, the trailing comma is no entry.
    monkeypatch.setenv("TRUSTED_PROXIES", stack["web"]["environment"]["TRUSTED_PROXIES"])
    settings.TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
    assert len(settings.TRUSTED_PROXIES) == 1
    subnet = ipaddress.ip_network(settings.TRUSTED_PROXIES[0])
    nginx_address = str(next(subnet.hosts()) + 1)
    # nginx appends the address it saw ($proxy_add_x_forwarded_for) to what the client sent.
    request = RequestFactory().get(
        "/", REMOTE_ADDR=nginx_address, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")) == "203.0.113.7"


# --- Flower -------------------------------------------------------------------------------------


def test_flower_asks_for_basic_auth_and_runs_only_with_it(compose):
    flower = compose["services"]["flower"]
    assert flower["environment"]["FLOWER_BASIC_AUTH"].startswith("${FLOWER_BASIC_AUTH:?")
    assert "basic" not in command_of(flower).lower()  # never on the command line, seen by `ps`


def test_flower_is_published_to_this_host_only(services, stack):
    assert services["flower"]["ports"] == ["127.0.0.1:${FLOWER_PORT:-5555}:5555"]
    assert stack["flower"]["ports"] == ["127.0.0.1:5555:5555"]
    assert "--port=5555" in command_of(services["flower"])


def test_flower_needs_the_broker_only_and_no_volume(services):
    assert services["flower"]["depends_on"] == {"redis": {"condition": "service_healthy"}}
    assert services["flower"]["volumes"] == []


def test_flower_is_a_locked_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(re.match(r"flower\b", dependency) for dependency in project["dependencies"])
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    assert "flower" in {package["name"] for package in lock["package"]}


# --- Scaling out --------------------------------------------------------------------------------


def test_web_and_worker_run_as_replicas_two_by_default(compose, stack):
    assert compose["services"]["web"]["deploy"]["replicas"] == "${WEB_REPLICAS:-2}"
    assert compose["services"]["worker"]["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"
    assert stack["web"]["deploy"]["replicas"] == 2
    assert stack["worker"]["deploy"]["replicas"] == 2
    scaled = as_compose_reads_it(compose, {**REQUIRED, "WEB_REPLICAS": "4", "WORKER_REPLICAS": "3"})
    assert scaled["services"]["web"]["deploy"]["replicas"] == 4
    assert scaled["services"]["worker"]["deploy"]["replicas"] == 3


def test_beat_runs_once_whatever_the_replicas(compose):
    scaled = as_compose_reads_it(compose, {**REQUIRED, "WEB_REPLICAS": "4", "WORKER_REPLICAS": "3"})
    assert scaled["services"]["beat"]["deploy"]["replicas"] == 1


def test_nothing_stands_in_the_way_of_replicas(services):
    # A fixed container name or a host port can be taken by one container only.
    for name, service in services.items():
        assert "container_name" not in service, name
    for name in ("web", "worker", "beat", "migrate"):
        assert "ports" not in services[name], name


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
        env={**env, **REQUIRED},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert accepted.returncode == 0, accepted.stderr
    refused = subprocess.run(base, env=env, capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
