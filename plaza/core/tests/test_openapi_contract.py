"""The API keeps the contract its OpenAPI document states, for every persona.

schemathesis generates requests for every operation of ``/api/v1/openapi.json`` (a few
examples each, no shrinking), sends each as alice, bob, gina, mallory and anonymously through
the WSGI application, and checks: no 5xx, every status documented for the operation, every
body valid against the documented response schema. Bounded for CI: ``MAX_EXAMPLES`` per
operation; past ``TIME_BUDGET`` seconds no new operation starts (with a warning).
"""

from __future__ import annotations

import time
import warnings
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from plaza.api import api

PERSONAS = ["alice", "bob", "gina", "mallory", "anonymous"]
MAX_EXAMPLES = 3
TIME_BUDGET = 150.0  # seconds; past it no new operation starts, with a warning
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = False


@pytest.fixture
def _connection_kept():
    """schemathesis calls the WSGI application directly, whose end-of-request signal closes
    the test's database connection (in its transaction); Django's test client disconnects
    that handler the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_schema_names_are_unique():
    """Two schemas with one name share one entry of the document (POST /notifications/read
    was documented with chat's body): every ninja schema of Plaza has its own name."""
    seen: dict[str, set[str]] = {}
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("plaza."):
            seen.setdefault(cls.__name__, set()).add(cls.__module__)
    assert not {name: mods for name, mods in seen.items() if len(mods) > 1}


def _exercise(operation, tokens: dict[str, str], failures: list[str], statuses: Counter[int]) -> None:
    """MAX_EXAMPLES generated requests to ``operation``, each sent as every persona."""

    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def exercise(case):
        for persona in PERSONAS:
            headers = {"Authorization": f"Bearer {tokens[persona]}"} if persona in tokens else {}
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except AssertionError as exc:  # schemathesis' failures are AssertionErrors
                failures.append(f"{operation.label} as {persona}: {str(exc)[:600]}")

    exercise()


def test_api_conforms_to_its_openapi_document(world, _connection_kept):
    """One world for all operations (building one per operation cost most of the time);
    every persona gets a fresh token per operation, since an operation may revoke one."""
    from plaza.accounts.actions import do_create_token

    failures: list[str] = []
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    for done, operation in enumerate(operations):
        if time.monotonic() - started > TIME_BUDGET:
            # A slow machine must not fail the suite (issue 19, item 10); it says what it missed.
            warnings.warn(
                f"schemathesis: time budget of {TIME_BUDGET:.0f} s spent after {done} of {len(operations)} operations",
                stacklevel=1,
            )
            break
        tokens = {p: do_create_token(getattr(world, p).user, name="schemathesis")[1] for p in PERSONAS if p != "anonymous"}
        _exercise(operation, tokens, failures, statuses)
    print(f"schemathesis: {len(operations)} operations, {sum(statuses.values())} requests, statuses {dict(statuses)}")
    assert not failures, f"{len(failures)} contract failures:\n" + "\n\n".join(failures[:20])
