"""No input ends in a 500: a fixed corpus of malformed values over every route under /api/v1.

Every route is taken from the resolver (the same list the authorization matrix polices) and
called as alice, the owner of acme, with the valid path parameters and body of its POLICY
row, then with each malformed value in turn: in every path parameter, in the query string
and in every field of the body; and with broken bodies (not JSON, deeply nested, a wrong
content type, multipart with an ``Idempotency-Key``). Each answer must be below 500 and, when
it is an error, carry the ``{"detail", "code"}`` shape. Runs in both profiles (SQLite and
PostgreSQL reject different things: NUL on PostgreSQL, huge integers on SQLite).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.test import Client

from plaza.core.tests.test_authz_matrix import POLICY, build_fixtures, fill

NESTED = "[" * 50_000 + "]" * 50_000
FAR_DATES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]

# Values put into each field of a JSON body.
BODY_VALUES: list[Any] = [
    "a\x00b",
    "a\ud800b",
    2**64,
    2**31,
    "x" * 20_000,
    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    *FAR_DATES,
]

# Values put into path parameters (already URL-encoded).
PATH_VALUES = ["a%00b", "%ED%A0%80", str(2**64)]  # %ED%A0%80: a UTF-8-encoded lone surrogate

# Values put into each documented query parameter (already URL-encoded).
QUERY_VALUES = ["a%00b", str(2**64), "0001-01-01T00:00:00%2B14:00", "x" * 5_000]


def _cursor(obj: Any) -> str:
    return base64.urlsafe_b64encode(obj.encode() if isinstance(obj, str) else json.dumps(obj).encode()).decode()


CURSORS = [
    _cursor(NESTED),
    _cursor(["0001-01-01T00:00:00+14:00", 1]),
    _cursor(["2026-01-01T00:00:00+00:00", 2**64]),
    _cursor({"a": 1}),
    _cursor('["\\ud800", 1]'),
    "!!!not-base64",
]


def _query_params() -> dict[tuple[str, str], list[str]]:
    """{(method, route as in POLICY): its documented query parameters}, from the OpenAPI
    document (``/api/v1/spaces/{slug}/feed`` is ``spaces/<slug>/feed`` in the resolver)."""
    from plaza.api import api

    out: dict[tuple[str, str], list[str]] = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, op in operations.items():
            names = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
            out[(method.upper(), re.sub(r"\{(\w+)\}", r"<\1>", path.removeprefix("/api/v1/")))] = names
    return out


ROUTES = sorted(POLICY)
QUERY = _query_params()


def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.content[:300]!r}"
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert {"detail", "code"} <= set(body), f"{what}: error without detail/code: {body!r}"


def _client(world: Any) -> tuple[Client, dict[str, Any]]:
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {world.alice.token}"}


def _send(client: Client, method: str, url: str, body: Any, auth: dict[str, Any], **extra: Any) -> Any:
    kwargs = dict(auth, **extra)
    if body is not None and "data" not in kwargs:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method.lower())(url, **kwargs)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = False  # hundreds of requests as one person


@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} /{r}" for m, r in ROUTES])
def test_malformed_input_never_ends_in_a_server_error(world, method, route):
    fixtures = build_fixtures(world)
    case = POLICY[(method, route)]
    params = case.params(fixtures)
    body = case.body(fixtures) if case.body else None
    client, auth = _client(world)

    # Path parameters, one at a time.
    for name in params:
        for value in PATH_VALUES:
            url = fill(route, {**params, name: value})
            _check(_send(client, method, url, body, auth), f"{method} {url[:120]}")

    url = fill(route, params)
    # The documented query parameters, one at a time.
    for name in QUERY.get((method, re.sub(r"<int:(\w+)>", r"<\1>", route)), []):  # [] for the docs
        for value in [*QUERY_VALUES, *CURSORS] if name == "cursor" else QUERY_VALUES:
            _check(_send(client, method, f"{url}?{name}={value}", body, auth), f"{method} {url}?{name}={value[:60]}")

    if method == "GET":
        return
    # Each field of the body.
    if isinstance(body, dict):
        for key in body:
            for value in BODY_VALUES:
                _check(_send(client, method, url, {**body, key: value}, auth), f"{method} {url} {key}={str(value)[:60]!r}")
    # Broken bodies.
    for raw, content_type in [
        (NESTED, "application/json"),
        (b"\xff\xfe\x00 not json", "application/json"),
        ('"\\ud800"', "application/json"),
        ("name=%00", "application/x-www-form-urlencoded"),
    ]:
        _check(
            _send(client, method, url, None, auth, data=raw, content_type=content_type), f"{method} {url} body {str(raw)[:40]!r}"
        )
    # Multipart to any route, with an Idempotency-Key (the fingerprint reads the form first).
    response = client.generic(
        method,
        url,
        data=b'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XX--\r\n',
        content_type="multipart/form-data; boundary=XX",
        HTTP_IDEMPOTENCY_KEY="k-multipart",
        **auth,
    )
    _check(response, f"{method} {url} multipart")


def test_a_10_mb_json_body_is_413_too_large(world):
    client, auth = _client(world)
    body = json.dumps({"body": "x" * (10 * 1024 * 1024)})
    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": "big-1"}):
        response = client.post("/api/v1/spaces/acme/posts", data=body, content_type="application/json", **auth, **headers)
        assert response.status_code == 413, response.content[:200]
        assert response.json()["code"] == "too_large"
