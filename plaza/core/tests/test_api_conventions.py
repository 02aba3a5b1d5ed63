"""The conventions of API.md that hold for every route: error bodies, auth, CSRF,
Idempotency-Key, cursor pagination, rate limits and the OpenAPI document."""

from __future__ import annotations

import base64
import json
import secrets

import pytest
from django.conf import settings as django_settings
from django.test import Client

from plaza.accounts.actions import do_deactivate_account
from plaza.accounts.models import ApiToken
from plaza.core.testing import PASSWORD, make_user
from plaza.spaces.models import Membership, Role, Team

from .test_authz_matrix import api_routes

# --- the error body -------------------------------------------------------------------------


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert body["code"] == code
    assert body["detail"]
    return body


def test_401_not_authenticated(api):
    response = api("anonymous").get("me")
    assert_error(response, 401, "not_authenticated")
    assert "Bearer" in response["WWW-Authenticate"]


def test_403_forbidden(api):
    assert_error(api("bob").patch("spaces/acme", {"name": "Mine now"}), 403, "forbidden")


def test_404_not_found_for_another_space(api):
    assert_error(api("mallory").get("spaces/acme"), 404, "not_found")


def test_405_method_not_allowed(api):
    response = api("alice").put("me", {"name": "x"})
    assert_error(response, 405, "method_not_allowed")


def test_409_conflict(api, world):
    assert_error(api("alice").patch(f"spaces/acme/members/{world.alice.user.pk}", {"role": "member"}), 409, "conflict")


def test_422_names_the_field(api):
    body = assert_error(api("alice").post("spaces", {"name": "X", "slug": "Not A Slug!"}), 422, "invalid")
    assert body["detail"][0]["loc"] == ["body", "slug"]


def test_422_for_schema_errors_names_the_field(api):
    body = assert_error(api("alice").post("spaces", {"slug": "no-name"}), 422, "invalid")
    assert any("name" in item["loc"] for item in body["detail"])


def test_422_for_malformed_json(world):
    response = Client().post("/api/v1/spaces", data="{not json", content_type="application/json", **world.alice.auth)
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"detail", "code"}


def test_429_rate_limited_with_retry_after(api):
    anonymous = api("anonymous")
    for _ in range(10):
        assert anonymous.post("auth/token", {"email": "alice@example.com", "password": "wrong"}).status_code == 401
    response = anonymous.post("auth/token", {"email": "alice@example.com", "password": "wrong"})
    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/no-such-version/spaces", "/api/v1/spaces/acme/nope"])
def test_djangos_own_404_under_api_has_the_error_body(world, path):
    assert_error(Client().get(path, **world.alice.auth), 404, "not_found")


def test_unhandled_500_has_the_error_body(world, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("plaza.spaces.actions.do_create_team", explode)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/spaces/acme/teams", data=json.dumps({"name": "X"}), content_type="application/json", **world.alice.auth
    )
    body = assert_error(response, 500, "server_error")
    assert "boom" not in json.dumps(body)  # no internals leak


# --- sessions and CSRF ----------------------------------------------------------------------


def csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    secret = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    client.cookies[django_settings.CSRF_COOKIE_NAME] = secret
    return client, secret


def test_session_post_without_csrf_token_is_403(world):
    client, _secret = csrf_client(world.alice.user)
    response = client.post("/api/v1/spaces/acme/teams", data=json.dumps({"name": "Ops"}), content_type="application/json")
    assert_error(response, 403, "csrf_failed")
    assert not Team.objects.filter(name="Ops").exists()


def test_session_post_with_csrf_token_succeeds(world):
    client, secret = csrf_client(world.alice.user)
    response = client.post(
        "/api/v1/spaces/acme/teams", data=json.dumps({"name": "Ops"}), content_type="application/json", HTTP_X_CSRFTOKEN=secret
    )
    assert response.status_code == 201, response.content
    assert Team.objects.filter(name="Ops").exists()


def test_session_reads_need_no_csrf_token(world):
    client, _secret = csrf_client(world.alice.user)
    assert client.get("/api/v1/me").json()["handle"] == "alice"


def test_bearer_token_needs_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/spaces/acme/teams", data=json.dumps({"name": "Ops"}), content_type="application/json", **world.alice.auth
    )
    assert response.status_code == 201


# --- tokens ---------------------------------------------------------------------------------


def test_bearer_token_authenticates(api):
    assert api("bob").get("me").json_body["handle"] == "bob"


@pytest.mark.parametrize("header", ["Bearer plz_not-a-real-token", "Bearer ", "Basic YWxpY2U6cHc=", "Token abc"])
def test_bad_authorization_header_is_401_even_where_sign_in_is_optional(world, header):
    assert_error(Client().get("/api/v1/spaces/directory", HTTP_AUTHORIZATION=header), 401, "not_authenticated")


def test_revoked_token_is_401(api, world):
    ApiToken.objects.filter(user=world.bob.user).update(revoked_at="2020-01-01T00:00:00Z")
    assert_error(api("bob").get("me"), 401, "not_authenticated")


def test_deactivated_users_token_and_session_are_401(api, world):
    session = Client()
    session.force_login(world.bob.user)
    assert session.get("/api/v1/me").status_code == 200
    do_deactivate_account(world.bob.user)
    assert_error(api("bob").get("me"), 401, "not_authenticated")
    assert_error(session.get("/api/v1/me"), 401, "not_authenticated")


# --- Idempotency-Key ------------------------------------------------------------------------


def test_idempotent_retry_returns_the_same_body_and_creates_nothing(api):
    alice = api("alice")
    first = alice.post("spaces/acme/teams", {"name": "Ops"}, HTTP_IDEMPOTENCY_KEY="k-1")
    count = Team.objects.count()
    again = alice.post("spaces/acme/teams", {"name": "Ops"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json_body == first.json_body
    assert again["Idempotent-Replayed"] == "true"
    assert Team.objects.count() == count


def test_same_key_with_another_body_is_409(api):
    alice = api("alice")
    alice.post("spaces/acme/teams", {"name": "Ops"}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert_error(alice.post("spaces/acme/teams", {"name": "Other"}, HTTP_IDEMPOTENCY_KEY="k-2"), 409, "conflict")
    assert not Team.objects.filter(name="Other").exists()


def test_same_key_for_different_users_is_independent(api):
    a = api("alice").post("spaces/acme/teams", {"name": "Ops"}, HTTP_IDEMPOTENCY_KEY="shared")
    b = api("bob").post("spaces/acme/teams", {"name": "Ops"}, HTTP_IDEMPOTENCY_KEY="shared")
    assert a.status_code == b.status_code == 201
    assert a.json_body["id"] != b.json_body["id"]
    assert Team.objects.filter(name="Ops").count() == 2


def test_idempotent_replay_is_not_given_to_a_revoked_token(api, world):
    bob = api("bob")
    assert bob.post("spaces/acme/teams", {"name": "Ops"}, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 201
    assert bob.delete("auth/token").status_code == 204  # the way a client revokes its token
    assert ApiToken.objects.get(user=world.bob.user).revoked_at is not None
    assert_error(bob.post("spaces/acme/teams", {"name": "Ops"}, HTTP_IDEMPOTENCY_KEY="k-3"), 401, "not_authenticated")


def test_overlong_idempotency_key_is_422(api):
    assert_error(api("alice").post("spaces/acme/teams", {"name": "Ops"}, HTTP_IDEMPOTENCY_KEY="k" * 201), 422, "invalid")


# --- cursor pagination ----------------------------------------------------------------------


@pytest.fixture
def crowded(world):
    for n in range(42):
        Membership.objects.create(space=world.acme, user=make_user(f"m{n:02d}"), role=Role.MEMBER)
    return Membership.objects.filter(space=world.acme).count()  # 45 with alice, bob, gina


def test_default_limit_is_20(api, crowded):
    body = api("bob").get("spaces/acme/members").json_body
    assert len(body["items"]) == 20
    assert body["next_cursor"]


def test_limit_max_is_100(api, crowded):
    assert len(api("bob").get("spaces/acme/members?limit=100").json_body["items"]) == crowded
    for bad in (101, 0, -1):
        body = assert_error(api("bob").get(f"spaces/acme/members?limit={bad}"), 422, "invalid")
        assert "limit" in json.dumps(body["detail"])


def test_next_cursor_walks_through_everyone_once_newest_first(api, crowded):
    seen: list[int] = []
    cursor = None
    for _ in range(20):
        url = "spaces/acme/members?limit=7" + (f"&cursor={cursor}" if cursor else "")
        body = api("bob").get(url).json_body
        seen += [item["user"]["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == crowded
    assert seen[0] == Membership.objects.filter(space__slug="acme").order_by("-created", "-pk").first().user_id


@pytest.mark.parametrize(
    "cursor",
    ["garbage!!", "é", base64.urlsafe_b64encode(b"5").decode(), base64.urlsafe_b64encode(b'["nope", 1]').decode(),
     base64.urlsafe_b64encode(b"[1, 2, 3]").decode()],
)
def test_invalid_cursor_is_422(api, world, cursor):
    body = assert_error(api("bob").get("spaces/acme/members", QUERY_STRING=f"cursor={cursor}"), 422, "invalid")
    assert "cursor" in json.dumps(body["detail"])


# --- rate limits ----------------------------------------------------------------------------


def test_sign_in_is_rate_limited(api):
    anonymous = api("anonymous")
    # 30 attempts a minute per address; failed guesses have tighter limits (test_ratelimit.py).
    statuses = [anonymous.post("auth/token", {"email": "bob@example.com", "password": PASSWORD}).status_code for _ in range(31)]
    assert statuses[:30] == [201] * 30
    assert statuses[30] == 429


def test_sign_up_is_rate_limited(api):
    anonymous = api("anonymous")
    # Bad bodies count too: the limit is against guessing, not against success.
    for n in range(20):
        assert anonymous.post("auth/signup", {"email": f"not-an-email-{n}", "password": PASSWORD, "name": "X"}).status_code == 422
    response = anonymous.post("auth/signup", {"email": "fine@example.com", "password": PASSWORD, "name": "X"})
    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


def test_invitation_accept_is_rate_limited(api):
    mallory = api("mallory")
    for _ in range(20):
        assert mallory.post("invitations/wrong-code/accept").status_code == 404
    response = mallory.post("invitations/wrong-code/accept")
    assert_error(response, 429, "rate_limited")
    assert response["Retry-After"]


def test_rate_limits_off(api, settings):
    settings.RATE_LIMITS = False
    anonymous = api("anonymous")
    assert all(anonymous.post("auth/token", {"email": "alice@example.com", "password": "x"}).status_code == 401 for _ in range(15))
    mallory = api("mallory")
    assert all(mallory.post("invitations/wrong-code/accept").status_code == 404 for _ in range(25))


# --- OpenAPI --------------------------------------------------------------------------------


@pytest.fixture
def openapi(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op


def test_openapi_describes_every_route(openapi):
    documented = {(m.upper(), p) for p, m, _ in operations(openapi)}
    for route, methods in api_routes().items():
        if route in ("", "docs", "openapi.json"):
            continue
        template = "/api/v1/" + route
        for kind in ("int:", ""):
            template = template.replace("<" + kind, "{")
        template = template.replace(">", "}")
        for method in methods:
            assert (method, template) in documented, f"{method} {template} missing from openapi.json"


def test_openapi_declares_every_status_a_route_can_return(openapi):
    problems = []
    for path, method, op in operations(openapi):
        declared = {int(code) for code in op["responses"]}
        params = op.get("parameters", [])
        needed = set()
        if op.get("security"):
            needed.add(401)
            if method != "get":
                needed.add(403)  # CSRF for sessions
        if any(p["in"] == "path" for p in params):
            needed.add(404)
        if method in ("post", "patch", "put") and "requestBody" in op:
            needed.add(422)
        if any(p["in"] == "query" for p in params):
            needed.add(422)
        if method == "post":
            needed.add(409)  # Idempotency-Key reused with another body
        for status in sorted(needed - declared):
            problems.append(f"{method.upper()} {path} does not declare {status}")
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert not problems, "\n".join(problems)


def test_routes_that_need_sign_in_are_marked_in_openapi(openapi):
    signup = openapi["paths"]["/api/v1/auth/signup"]["post"]
    assert not signup.get("security")
    assert openapi["paths"]["/api/v1/me"]["get"]["security"]
    assert openapi["components"]["securitySchemes"]["PlazaAuth"] == {"type": "http", "scheme": "bearer"}


def test_specific_error_statuses_are_declared(openapi):
    paths = openapi["paths"]
    assert "429" in paths["/api/v1/auth/token"]["post"]["responses"]
    assert "429" in paths["/api/v1/auth/signup"]["post"]["responses"]
    assert "429" in paths["/api/v1/invitations/{code}/accept"]["post"]["responses"]
    assert "409" in paths["/api/v1/spaces/{slug}/members/{user_id}"]["patch"]["responses"]
    assert "409" in paths["/api/v1/spaces/{slug}/members/{user_id}"]["delete"]["responses"]
    assert "403" in paths["/api/v1/spaces/{slug}/members"]["get"]["responses"]


def test_docs_serve(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_idempotency_key_on_a_large_upload_replays_without_reading_it_into_memory(world):
    """A 3 MB upload (over Django's in-memory body limit) with a key runs once."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"

    def send(content: bytes):
        return Client().post(
            "/api/v1/uploads", {"file": SimpleUploadedFile("report.pdf", content, content_type="application/pdf")},
            HTTP_IDEMPOTENCY_KEY="upload-1", **world.bob.auth,
        )

    first = send(payload)
    assert first.status_code == 201, first.content
    again = send(payload)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert send(payload[:-1] + b"x").status_code == 409
