"""Pick the backends for the test suite and say which, before anything else runs.

Prints shell `export` lines on stdout (the Makefile evaluates them) and one human line per
backend on stderr. PostgreSQL and Redis on 127.0.0.1 are used when they answer; otherwise the
embedded default (SQLite, local memory). With REQUIRE_SERVICES=1 (CI) or --require, a service
that does not answer is a failure.
"""

from __future__ import annotations

import os
import shlex
import sys
from urllib.parse import urlsplit

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bazaar")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def shown(url: str) -> str:
    """The URL for a human line on stderr: a password, if any, is not printed."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def postgres_answers(url: str) -> str | None:
    import psycopg2

    try:
        # Probe the maintenance database: the project's own may not exist yet.
        maintenance = urlsplit(url)._replace(path="/postgres").geturl()
        connection = psycopg2.connect(maintenance, connect_timeout=3)
    except psycopg2.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    connection.close()
    return None


def redis_answers(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return str(exc)
    return None


def main() -> int:
    require = "--require" in sys.argv or os.environ.get("REQUIRE_SERVICES") == "1"
    exports = {"DJANGO_ENV": "test", "CELERY_TASK_ALWAYS_EAGER": "1"}
    failures = []

    pg_error = postgres_answers(POSTGRES_URL)
    if pg_error is None:
        exports["DATABASE_URL"] = POSTGRES_URL
        print(f"database: PostgreSQL at {shown(POSTGRES_URL)}", file=sys.stderr)
    else:
        failures.append(f"PostgreSQL at {shown(POSTGRES_URL)} does not answer: {pg_error}")
        print("database: SQLite (embedded default; PostgreSQL did not answer)", file=sys.stderr)

    redis_error = redis_answers(REDIS_URL)
    if redis_error is None:
        exports["REDIS_URL"] = REDIS_URL
        print(f"broker and cache: Redis at {shown(REDIS_URL)}", file=sys.stderr)
    else:
        failures.append(f"Redis at {shown(REDIS_URL)} does not answer: {redis_error}")
        print(
            "broker and cache: local memory (embedded default; Redis did not answer)",
            file=sys.stderr,
        )

    if require and failures:
        for failure in failures:
            print(f"REQUIRE_SERVICES=1: {failure}", file=sys.stderr)
        print("exit 1")
        return 1
    for name, value in exports.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
