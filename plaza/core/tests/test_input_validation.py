"""Each input that once ended in a 500 (or was stored and broke pages later) is a 4xx naming
its field, and nothing is written (issue 19, items 6–8). The corpus over every route is in
test_malformed_input.py; these pin the cases one by one."""

from __future__ import annotations

import base64

from django.test import Client

from plaza.events.tests.policy import event_body


def _loc(response) -> list:
    return [item["loc"] for item in response.json_body["detail"]]


def test_a_far_event_start_is_refused_and_nothing_is_stored(api):
    alice = api("alice")
    before = len(alice.get("/api/v1/spaces/acme/events").json_body["items"])
    for start in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31T00:00:00Z"):
        response = alice.post("/api/v1/spaces/acme/events", {**event_body(), "starts_at": start})
        assert response.status_code == 422, response.content
        assert response.json_body["code"] == "invalid"
        assert ["body", "payload", "starts_at"] in _loc(response)
    assert len(alice.get("/api/v1/spaces/acme/events").json_body["items"]) == before


def test_a_capacity_beyond_its_column_is_422(api):
    response = api("alice").post("/api/v1/spaces/acme/events", {**event_body(), "capacity": 2**31})
    assert response.status_code == 422
    assert ["body", "payload", "capacity"] in _loc(response)


def test_a_blog_tag_with_a_lone_surrogate_is_refused(api):
    alice = api("alice")
    response = alice.post("/api/v1/spaces/acme/blogs", {"title": "Hi", "body": "x", "tags": ["ok", "bad\ud800"]})
    assert response.status_code == 422
    assert _loc(response) == [["body", "tags", 1]]
    assert alice.get("/api/v1/spaces/acme/blogs").json_body["items"] == []


def test_nul_in_text_query_and_path_is_422_naming_it(api):
    alice = api("alice")
    post = alice.post("/api/v1/spaces/acme/posts", {"body": "a\x00b"})
    assert post.status_code == 422 and _loc(post) == [["body", "body"]]
    search = alice.get("/api/v1/spaces/directory?q=a%00b")
    assert search.status_code == 422 and _loc(search) == [["query", "q"]]
    space = alice.get("/api/v1/spaces/a%00b")
    assert space.status_code == 422 and _loc(space) == [["path", "slug"]]


def test_ids_beyond_64_bits_are_422(api):
    alice = api("alice")
    path = alice.get(f"/api/v1/posts/{2**64}")
    assert path.status_code == 422 and _loc(path) == [["path", "post_id"]]
    body = alice.post("/api/v1/spaces/acme/posts", {"body": "hi", "team_id": 2**63})
    assert body.status_code == 422 and _loc(body) == [["body", "team_id"]]


def test_a_nested_cursor_is_422_naming_cursor(api):
    cursor = base64.urlsafe_b64encode(("[" * 100_000 + "]" * 100_000).encode()).decode()
    response = api("alice").get(f"/api/v1/spaces/acme/feed?cursor={cursor}")
    assert response.status_code == 422
    assert _loc(response) == [["body", "cursor"]]


def test_text_is_stored_in_nfc(api):
    alice = api("alice")
    created = alice.post("/api/v1/spaces/acme/posts", {"body": "Cafe\u0301"})
    assert created.status_code == 201
    assert alice.get(f"/api/v1/posts/{created.json_body['id']}").json_body["body"] == "Caf\u00e9"


def test_multipart_to_a_json_route_with_an_idempotency_key_is_4xx(world):
    response = Client().post(
        "/api/v1/spaces/acme/posts",
        data={"body": "hello"},
        HTTP_AUTHORIZATION=f"Bearer {world.alice.token}",
        HTTP_IDEMPOTENCY_KEY="multipart-1",
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_type"
