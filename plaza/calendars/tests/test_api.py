"""The calendar through the API and the secret feed: merging, recurrence, validation,
the .ics feed parsed with icalendar, rotation, import and pinned query counts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.calendars.models import Entry
from plaza.core.testing import Api, make_persona
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_team
from plaza.spaces.models import Membership

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def iso(dt):
    return dt.isoformat()


def window(days_from=0, days=31):
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days_from)
    return {"from": iso(start), "to": iso(start + timedelta(days=days))}


def calendar(persona, **params):
    response = Client().get("/api/v1/calendar", params or window(), **persona.auth)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def entry(api, who="alice", **overrides):
    start = (timezone.now() + timedelta(days=1)).astimezone(SH).replace(hour=9, minute=0, second=0, microsecond=0)
    body = {"title": "Standup", "starts_at": iso(start), "ends_at": iso(start + timedelta(minutes=30)), "timezone": "Asia/Shanghai"}
    body.update(overrides)
    return api(who).post("calendar/entries", body)


@pytest.fixture
def team(world):
    acc = space_access_for(world.alice.user, world.acme)
    sales = do_create_team(acc, name="Sales", visibility="public")
    do_add_team_member(acc, sales, world.gina.user.pk)
    return sales


def test_private_and_recurring_entries_are_expanded_in_the_window(api, world):
    once = entry(api, title="Dentist")
    assert once.status_code == 201, once.content
    weekly = entry(api, title="Standup", rrule="FREQ=WEEKLY;COUNT=10")
    assert weekly.status_code == 201 and weekly.json_body["rrule"] == "FREQ=WEEKLY;COUNT=10"
    items = calendar(world.alice, **window(days=21))
    standups = [i for i in items if i["title"] == "Standup"]
    assert len(standups) == 3  # days 1, 8 and 15 of a 21-day window
    assert all(i["kind"] == "entry" and i["space"] is None for i in items)
    starts = [i["starts_at"] for i in items]
    assert starts == sorted(starts)
    # Wall-clock time is kept in the entry's time zone.
    assert {datetime.fromisoformat(i["starts_at"]).astimezone(SH).hour for i in standups} == {9}
    # Private entries are nobody else's business.
    assert calendar(world.bob, **window(days=21)) == []


def test_occurrences_are_capped(api, world):
    start = timezone.now() - timedelta(days=30)
    assert entry(api, title="Hourly", starts_at=iso(start), ends_at=iso(start + timedelta(minutes=5)),
                 rrule="FREQ=HOURLY").status_code == 201
    items = calendar(world.alice, **window(days=60))
    assert len(items) == 500


@pytest.mark.parametrize("rrule", ["FREQ=SOMETIMES", "BYDAY=MO", "FREQ=MINUTELY", "FREQ=DAILY;COUNT=999999", "FREQ=WEEKLY;BYDAY=XX"])
def test_invalid_rrule_is_422(api, rrule):
    response = entry(api, rrule=rrule)
    assert response.status_code == 422, response.content
    assert response.json_body["detail"][0]["loc"][-1] == "rrule"


def test_team_schedule_is_seen_by_the_team(api, world, team):
    response = entry(api, "gina", title="Sales weekly", team_id=team.pk, rrule="FREQ=WEEKLY")
    assert response.status_code == 201, response.content
    assert [i["title"] for i in calendar(world.gina, **window(days=7))] == ["Sales weekly"]
    # alice created the team but is not in it; bob is not in it either.
    assert calendar(world.bob, **window(days=7)) == []
    assert entry(api, "bob", team_id=team.pk).status_code == 403  # bob sees the public team, is not in it
    response = entry(api, "mallory", team_id=team.pk)
    assert response.status_code == 422 and response.json_body["detail"][0]["loc"][-1] == "team_id"


def test_events_i_go_to_and_my_teams_events_are_on_my_calendar(api, world, team):
    start = timezone.now() + timedelta(days=2)
    body = {"title": "Party", "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=2)), "timezone": "Europe/Berlin"}
    party = api("alice").post("spaces/acme/events", body).json_body
    team_event = api("alice").post("spaces/acme/events", {**body, "title": "Sales call", "team_id": team.pk}).json_body
    assert calendar(world.bob) == []
    api("bob").post(f"events/{party['id']}/rsvp", {"status": "maybe"})
    items = calendar(world.bob)
    assert [(i["kind"], i["id"], i["space"]) for i in items] == [("event", party["id"], "acme")]
    assert [i["id"] for i in calendar(world.gina)] == [team_event["id"]]
    assert calendar(world.mallory) == []
    api("bob").post(f"events/{party['id']}/rsvp", {"status": "declined"})
    assert calendar(world.bob) == []


def test_window_is_checked(world):
    response = Client().get("/api/v1/calendar", window(days=500), **world.alice.auth)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "to"
    assert Client().get("/api/v1/calendar").status_code == 401


def _feed(url):
    return Client().get(url.replace("http://testserver", ""))


def test_ics_feed_needs_only_the_secret_and_rotates(api, world, team):
    start = timezone.now() + timedelta(days=2)
    party = api("alice").post("spaces/acme/events", {
        "title": "Tasting", "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=2)), "timezone": "Asia/Shanghai",
        "location": "Cellar",
    }).json_body
    api("alice").post(f"events/{party['id']}/rsvp", {"status": "going"})
    entry(api, title="Yoga", rrule="FREQ=WEEKLY;BYDAY=MO,WE", timezone="Europe/Berlin")
    assert api("anonymous").get("calendar/feed").status_code == 401
    url = api("alice").get("calendar/feed").json_body["url"]
    assert url == api("alice").get("calendar/feed").json_body["url"]  # stable until rotated
    assert "/calendar/ics/" in url and url.endswith(".ics")
    response = _feed(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert {"Asia/Shanghai", "Europe/Berlin"} <= tzids
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Tasting", "Yoga"}
    tasting = events["Tasting"]
    assert tasting["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert tasting.decoded("DTSTART") == datetime.fromisoformat(party["starts_at"]).replace(microsecond=0)
    assert str(tasting["LOCATION"]) == "Cellar"
    yoga = events["Yoga"]
    assert yoga["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert yoga["RRULE"]["FREQ"] == ["WEEKLY"] and yoga["RRULE"]["BYDAY"] == ["MO", "WE"]
    # bob's secret is his own; made-up and altered secrets are 404.
    bob_url = api("bob").get("calendar/feed").json_body["url"]
    assert b"Tasting" not in _feed(bob_url).content
    assert _feed(url[:-8] + "0000.ics").status_code == 404
    assert Client().get("/calendar/ics/nothing.ics").status_code == 404
    # Rotating: the old address stops working, the new one works.
    new = api("alice").post("calendar/feed/rotate").json_body["url"]
    assert new != url
    assert _feed(url).status_code == 404
    assert _feed(new).status_code == 200


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VEVENT\r
UID:one@test\r
SUMMARY:Board meeting\r
DTSTART;TZID=Europe/Paris:20300105T140000\r
DTEND;TZID=Europe/Paris:20300105T160000\r
RRULE:FREQ=MONTHLY;COUNT=3\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:two@test\r
SUMMARY:Holiday\r
DTSTART;VALUE=DATE:20300110\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _import(persona, content, name="cal.ics"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content, content_type="text/calendar")
    return Client().post("/api/v1/calendar/import", {"file": upload}, **persona.auth)


def test_import_ics_into_private_entries(world):
    response = _import(world.bob, ICS)
    assert response.status_code == 200, response.content
    assert response.json() == {"imported": 2}
    board = Entry.objects.get(owner=world.bob.user, title="Board meeting")
    assert board.timezone == "Europe/Paris" and board.rrule == "FREQ=MONTHLY;COUNT=3" and board.team_id is None
    items = Client().get("/api/v1/calendar", {"from": "2030-01-01T00:00:00Z", "to": "2030-04-01T00:00:00Z"}, **world.bob.auth).json()
    assert [i["title"] for i in items["items"]] == ["Board meeting", "Holiday", "Board meeting", "Board meeting"]


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a calendar",
        ICS.replace(b"DTSTART;VALUE=DATE:20300110\r\n", b""),  # the second event has no start
        ICS.replace(b"RRULE:FREQ=MONTHLY;COUNT=3", b"RRULE:FREQ=NEVER"),
        ICS.replace(b"DTEND;TZID=Europe/Paris:20300105T160000", b"DTEND;TZID=Europe/Paris:20300105T100000"),
    ],
)
def test_malformed_ics_imports_nothing(world, content):
    response = _import(world.bob, content)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == "file"
    assert response.json()["detail"][0]["msg"]
    assert not Entry.objects.filter(owner=world.bob.user).exists()


def test_import_caps_size(world):
    response = _import(world.bob, ICS + b" " * (1024 * 1024 + 10))
    assert response.status_code == 413
    assert not Entry.objects.exists()


def test_calendar_query_count_does_not_grow(api, world, team):
    carol = make_persona("carol")
    Membership.objects.create(space=world.acme, user=carol.user, role="member")

    def seed(n):
        start = timezone.now() + timedelta(days=1)
        for i in range(n):
            event = api("alice").post("spaces/acme/events", {
                "title": f"E{i}", "starts_at": iso(start + timedelta(hours=i)),
                "ends_at": iso(start + timedelta(hours=i, minutes=30)), "timezone": "UTC"}).json_body
            Api(carol).post(f"events/{event['id']}/rsvp", {"status": "going"})
            Api(carol).post("calendar/entries", {"title": f"N{i}", "starts_at": iso(start + timedelta(hours=i)),
                                                 "ends_at": iso(start + timedelta(hours=i, minutes=10)),
                                                 "rrule": "FREQ=DAILY;COUNT=2" if i % 2 else None})

    def count():
        client = Client()
        client.get("/api/v1/calendar", window(days=7), **carol.auth)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/calendar", window(days=7), **carol.auth)
        return len(ctx.captured_queries), len(response.json()["items"])

    seed(3)
    few, n_few = count()
    seed(22)
    many, n_many = count()
    assert n_few < n_many
    assert few == many
