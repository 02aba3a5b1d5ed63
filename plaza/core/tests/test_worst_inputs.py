"""The worst input of each kind that multiplies work is refused with a 4xx naming the field
(issue 18, item 7): list lengths and nesting in any JSON body, mentions and topics in a
text, image pixels, pagination limits, CSV import rows, .ics events. Recurrence rules have
their own tests (calendars/tests/test_cost.py)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from plaza.accounts.models import User
from plaza.core.testing import make_user
from plaza.notifications.models import Notification
from plaza.spaces.models import Membership


def assert_invalid(response, field: str) -> None:
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid"
    assert field in str(body["detail"]), body


def test_a_long_id_list_is_refused_before_any_work(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the session/token lookup only
        response = api("alice").post("mail", {"to": list(range(1, 100_001)), "subject": "x", "body": "y"})
    assert_invalid(response, "to")
    many = api("alice").post("spaces/acme/announcements", {"title": "t", "body": "b", "user_ids": list(range(501))})
    assert_invalid(many, "user_ids")


def test_deep_nesting_is_refused(world):
    deep = "[" * 50_000 + "]" * 50_000
    response = Client().post("/api/v1/spaces/acme/posts", deep, content_type="application/json", **world.alice.auth)
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_mentions_and_topics_per_text_are_capped(world, api):
    people = [make_user(f"p{i}") for i in range(51)]
    Membership.objects.bulk_create([Membership(space=world.acme, user=u, role="member") for u in people])
    body = " ".join(f"@p{i}" for i in range(51))
    assert_invalid(api("alice").post("spaces/acme/posts", {"body": body}), "body")
    assert Notification.objects.filter(kind="post_mention").count() == 0
    fifty = " ".join(f"@p{i}" for i in range(50))
    assert api("alice").post("spaces/acme/posts", {"body": fifty}).status_code == 201
    assert Notification.objects.filter(kind="post_mention").count() == 50
    topics = " ".join(f"#t{i}" for i in range(31))
    assert_invalid(api("alice").post("spaces/acme/posts", {"body": topics}), "body")
    assert User.objects.count() == 4 + 51


def _image(size: tuple[int, int], fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("size", "fmt", "status"),
    [((4097, 4097), "PNG", 422), ((4096, 4096), "PNG", 201), ((8000, 5001), "JPEG", 422), ((8000, 5000), "JPEG", 201)],
)
def test_image_pixels_are_capped(world, size, fmt, status):
    upload = SimpleUploadedFile(f"big.{fmt.lower()}", _image(size, fmt), content_type=f"image/{fmt.lower()}")
    response = Client().post("/api/v1/uploads", {"file": upload}, **world.bob.auth)
    assert response.status_code == status, response.content[:300]
    if status == 422:
        assert_invalid(response, "file")


def test_pagination_limit_is_capped(api):
    assert_invalid(api("bob").get("spaces/acme/members?limit=100000"), "limit")


def test_csv_import_rows_are_capped(world):
    rows = "email,name,role\n" + "".join(f"u{i}@example.com,U{i},member\n" for i in range(5001))
    upload = SimpleUploadedFile("people.csv", rows.encode(), content_type="text/csv")
    response = Client().post("/api/v1/spaces/acme/members/import", {"file": upload}, **world.alice.auth)
    assert_invalid(response, "file")


def test_ics_import_events_are_capped(world):
    event = "BEGIN:VEVENT\r\nUID:{n}\r\nDTSTART:20300101T090000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(event.format(n=n) for n in range(1001)) + "END:VCALENDAR\r\n"
    upload = SimpleUploadedFile("many.ics", ics.encode(), content_type="text/calendar")
    response = Client().post("/api/v1/calendar/import", {"file": upload}, **world.alice.auth)
    assert_invalid(response, "file")
