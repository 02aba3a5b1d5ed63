"""The data migrations of issue 19 repair rows written before input was validated, and leave
clean rows alone. Bad rows are written with raw SQL, as the old code let them in."""

from __future__ import annotations

import pytest
from django.db import connection

from plaza.core.repair import clamp_datetimes, clean_json_columns
from plaza.events.tests.policy import event_body

# What a 500-then-committed event start of "0001-01-01T00:00:00+14:00" became.
YEAR_ONE = "0001-12-31 10:00:00+00 BC" if connection.vendor == "postgresql" else "0001-01-01 00:00:00"


def _repair_events() -> int:
    return clamp_datetimes(
        connection,
        "events_event",
        ["starts_at", "ends_at", "registration_deadline"],
        nullable=("registration_deadline",),
        ordered=("starts_at", "ends_at"),
    )


def test_events_with_far_dates_are_repaired_and_readable_again(api):
    alice = api("alice")
    good = alice.post("/api/v1/spaces/acme/events", event_body()).json_body["id"]
    bad = alice.post("/api/v1/spaces/acme/events", event_body()).json_body["id"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE events_event SET starts_at = %s, ends_at = %s, registration_deadline = %s WHERE id = %s",
            [YEAR_ONE, YEAR_ONE, YEAR_ONE, bad],
        )
    before = alice.get(f"/api/v1/events/{good}").json_body

    assert _repair_events() == 1
    assert _repair_events() == 0  # a no-op once clean

    repaired = alice.get(f"/api/v1/events/{bad}")
    assert repaired.status_code == 200
    assert repaired.json_body["starts_at"].startswith("1900-01-0")
    assert repaired.json_body["ends_at"] > repaired.json_body["starts_at"]
    assert repaired.json_body["registration_deadline"] is None
    assert alice.get("/api/v1/spaces/acme/events?from=1900-01-01T00:00:00Z").status_code == 200
    assert alice.get(f"/api/v1/events/{good}").json_body == before


def test_clean_events_are_left_alone(api):
    api("alice").post("/api/v1/spaces/acme/events", event_body())
    assert _repair_events() == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's jsonb refuses NUL and lone surrogates")
def test_blog_tags_with_lone_surrogates_are_repaired(api):
    alice = api("alice")
    bad = alice.post("/api/v1/spaces/acme/blogs", {"title": "Hello", "body": "World", "tags": ["wine"]}).json_body["id"]
    good = alice.post("/api/v1/spaces/acme/blogs", {"title": "Hi", "body": "There", "tags": ["红酒"]}).json_body["id"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE blogs_blog SET tags = %s WHERE id = %s", ['["wine\\ud800", "ok\\u0000"]', bad])

    assert clean_json_columns(connection, "blogs_blog", ["tags"]) == 1
    assert clean_json_columns(connection, "blogs_blog", ["tags"]) == 0

    assert alice.get(f"/api/v1/blogs/{bad}").json_body["tags"] == ["wine", "ok"]
    assert alice.get(f"/api/v1/blogs/{good}").json_body["tags"] == ["红酒"]
