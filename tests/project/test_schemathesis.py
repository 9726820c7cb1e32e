"""A property-based run of the whole API (schemathesis, against the schema /api/v1/schema/ serves),
as the supervision office, a department's liaison and a district: no answer is a 5xx, and every
answer matches the schema — its status is documented, its content type and its body conform.

Both schema-valid input (positive) and schema-violating input (negative: wrong types, missing
fields, out-of-range numbers) are generated for every operation. The run is bounded by
``CBEC_SCHEMATHESIS_SECONDS`` (90 s by default; about 2 minutes in all), shared equally by
every (role, operation, mode); every answer is checked and all failures are reported together at the end."""

from __future__ import annotations

import contextlib
import json
import os
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import issue_token

ROLES = ["supervisor", "liaison-commerce", "district-sip"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
# Time-boxed: 90 s give every (role, operation, mode) its share and thousands of requests; set
# CBEC_SCHEMATHESIS_SECONDS higher for a longer search.
SECONDS = float(os.environ.get("CBEC_SCHEMATHESIS_SECONDS", "90"))
MAX_EXAMPLES = int(os.environ.get("CBEC_SCHEMATHESIS_EXAMPLES", "60"))


def _schema(user) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


class _OutOfTime(Exception):
    """This (role, operation, mode)'s share of the time is spent: ends its run (there is no shrinking)."""


def _run(operation, mode, headers, deadline, failures, label, answered):
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def exercise(case):
        if time.monotonic() > deadline:
            raise _OutOfTime
        response = case.call(headers=headers)
        answered.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as error:  # a failed check: collected, all reported at the end
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            found = [line for line in lines if line.startswith("- ")] or lines[:1]
            detail = lines[lines.index(found[0]) + 1] if found[0] in lines[:-1] else ""
            failures.append(f"{label} → {response.status_code}: {' / '.join(found)}: {detail}")

    # Out of time; or negative mode on an operation with nothing to make invalid.
    with contextlib.suppress(_OutOfTime, Unsatisfiable):
        exercise()


@contextlib.contextmanager
def in_test_transaction():
    """Requests served by Django's WSGI handler inside the test's transaction (as the test client
    does): the connection is not closed at each request's start and end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_api_conforms_to_its_schema_and_never_answers_5xx(demo_accounts):
    document = _schema(demo_accounts["supervisor"])
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()  # in this process and this test's transaction: writes are rolled back
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    started = time.monotonic()
    share = SECONDS / (len(ROLES) * len(operations) * len(MODES))
    failures: list[str] = []
    answered: list[int] = []
    calls = 0
    with in_test_transaction():
        for username in ROLES:
            _, token = issue_token(demo_accounts[username])
            headers = {"Authorization": f"Token {token}"}
            for operation in operations:
                for mode in MODES:
                    deadline = time.monotonic() + share
                    label = f"{username} {operation.label} [{mode.value}]"
                    _run(operation, mode, headers, deadline, failures, label, answered)
                    calls += 1
    elapsed = time.monotonic() - started
    assert calls == len(ROLES) * len(operations) * len(MODES)
    # A real run: thousands of requests, most operations answering with success as well as with refusals.
    assert len(answered) >= 20 * SECONDS, f"only {len(answered)} requests in {elapsed:.0f} s"
    assert {200, 400, 404} <= set(answered), sorted(set(answered))
    unique = sorted(set(failures))
    assert unique == [], f"{len(failures)} failing answers:\n" + "\n".join(unique[:60])
    assert elapsed < SECONDS * 1.2 + 30, f"the run took {elapsed:.0f} s"
