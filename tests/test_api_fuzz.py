"""The API against its own schema, with schemathesis: for every operation, requests generated
from the schema (fitting it and not), sent to the application in process as a signed-in member.
Every answer must be no server error, a status the schema documents, and a body that matches
the schema (config/schema.py documents the error answers).

Bounded: `EXAMPLES` requests an operation, drawn the same way on every run (derandomised), so
CI is repeatable; `FUZZ_EXAMPLES=200` draws more, and another seed with `FUZZ_SEED`."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.modes import GenerationMode

from tests.factories import PersonFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("FUZZ_SEED", "2026"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(db, settings):
    settings.WRITE_RATE_LIMIT = "100000/min"  # the fuzzer is one busy member
    raw = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, as a client reads it (lazy strings and enums become plain values).
    import json

    from rest_framework.utils.encoders import JSONEncoder

    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, cls=JSONEncoder)))
    loaded.app = get_wsgi_application()
    # As Django's test client does: the request's end must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield loaded
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def fuzz(operation, headers: dict[str, str], mode: GenerationMode) -> None:
    """`EXAMPLES` generated requests to one operation, fitting its schema (positive) or not
    (negative); raises on the first wrong answer."""

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_operation_answers_what_the_schema_says(api_schema):
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 100

    for operation in operations:
        for mode in GenerationMode:
            member = PersonFactory.create()
            headers = {"Authorization": f"Token {Token.objects.create(user=member).key}"}
            try:
                fuzz(operation, headers, mode)
            except Unsatisfiable:  # nothing in it can be made not to fit (no parameters)
                assert mode == GenerationMode.NEGATIVE
            except (Exception, BaseExceptionGroup) as error:  # collect them all, then say which
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {error}")

    assert not failures, "\n\n".join(failures)
