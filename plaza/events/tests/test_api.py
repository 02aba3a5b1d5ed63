"""Events through the API: create, list, validation, outsiders, RSVP with waiting list and
approval, invitations, changes, cancellation, reminders and pinned query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.core.scheduler import queue_due_jobs
from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import Api, make_persona
from plaza.events.actions import do_send_due_reminders
from plaza.notifications.models import Notification
from plaza.spaces.models import Membership

pytestmark = pytest.mark.django_db


def iso(dt):
    return dt.isoformat()


def event_body(**overrides):
    start = timezone.now() + timedelta(days=3)
    body = {
        "title": "Tasting",
        "description": "Bring **glasses**",
        "starts_at": iso(start),
        "ends_at": iso(start + timedelta(hours=2)),
        "timezone": "Asia/Shanghai",
        "location": "Cellar",
    }
    body.update(overrides)
    return body


def create(api, who="alice", **overrides):
    response = api(who).post("spaces/acme/events", event_body(**overrides))
    assert response.status_code == 201, response.content
    return response.json_body


def member(world, handle):
    persona = make_persona(handle)
    Membership.objects.create(space=world.acme, user=persona.user, role="member")
    return persona


def kinds(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_create_get_and_list_in_a_window(api, world):
    event = create(api)
    assert event["html"].startswith("<p>Bring <strong>glasses</strong>")
    assert event["timezone"] == "Asia/Shanghai" and event["state"] == "scheduled" and event["my_status"] is None
    assert api("bob").get(f"events/{event['id']}").json_body["title"] == "Tasting"
    later = create(api, title="Later", starts_at=iso(timezone.now() + timedelta(days=40)),
                   ends_at=iso(timezone.now() + timedelta(days=40, hours=1)))
    items = api("bob").get("spaces/acme/events").json_body["items"]
    assert [e["id"] for e in items] == [event["id"], later["id"]]  # soonest first
    window = {"from": iso(timezone.now()), "to": iso(timezone.now() + timedelta(days=10))}
    response = api("bob").client.get("/api/v1/spaces/acme/events", window, **world.bob.auth)
    assert [e["id"] for e in response.json()["items"]] == [event["id"]]


def test_naive_times_are_read_in_the_event_time_zone(api):
    event = create(api, starts_at="2030-06-01T10:00:00", ends_at="2030-06-01T12:00:00", timezone="Asia/Shanghai")
    assert event["starts_at"].startswith("2030-06-01T02:00:00")  # 10:00 in Shanghai is 02:00 UTC


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": iso(timezone.now() + timedelta(days=2))}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"registration_deadline": iso(timezone.now() + timedelta(days=5))}, "registration_deadline"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"title": " "}, "title"),
        ({"enrollment": "lottery"}, "enrollment"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
    ],
)
def test_invalid_input_is_422_naming_the_field(api, overrides, field):
    response = api("alice").post("spaces/acme/events", event_body(**overrides))
    assert response.status_code == 422, response.content
    assert response.json_body["code"] == "invalid"
    assert response.json_body["detail"][0]["loc"][-1] == field


def test_patch_validates_the_merged_event(api):
    event = create(api)
    response = api("alice").patch(f"events/{event['id']}", {"ends_at": iso(timezone.now())})
    assert response.status_code == 422 and response.json_body["detail"][0]["loc"][-1] == "ends_at"


def test_outsiders_and_anonymous(api, world):
    event = create(api)
    for path in (f"events/{event['id']}", f"events/{event['id']}/attendees", "spaces/acme/events"):
        assert api("mallory").get(path).status_code == 404
        assert api("anonymous").get(path).status_code == 401
    assert api("mallory").post(f"events/{event['id']}/rsvp", {"status": "going"}).status_code == 404
    assert api("mallory").patch(f"events/{event['id']}", {"title": "Mine"}).status_code == 404
    assert api("anonymous").post(f"events/{event['id']}/rsvp", {"status": "going"}).status_code == 401
    # gina is a guest: she sees only her teams' events, not space-wide ones.
    assert api("gina").get(f"events/{event['id']}").status_code == 404
    assert api("gina").post("spaces/acme/events", event_body()).status_code == 403
    # bob sees it but may not change it.
    assert api("bob").patch(f"events/{event['id']}", {"title": "Mine"}).status_code == 403
    assert api("bob").post(f"events/{event['id']}/cancel").status_code == 403


def test_full_event_waitlists_and_promotes_when_a_seat_frees(api, world):
    carol, dave = member(world, "carol"), member(world, "dave")
    event = create(api, capacity=2)
    eid = event["id"]
    assert api("bob").post(f"events/{eid}/rsvp", {"status": "going"}).json_body == {"status": "going"}
    assert Api(carol).post(f"events/{eid}/rsvp", {"status": "going"}).json_body == {"status": "going"}
    assert Api(dave).post(f"events/{eid}/rsvp", {"status": "going"}).json_body == {"status": "waitlist"}
    assert api("alice").post(f"events/{eid}/rsvp", {"status": "going"}).json_body == {"status": "waitlist"}
    got = api("bob").get(f"events/{eid}").json_body
    assert (got["going_count"], got["waitlist_count"]) == (2, 2)
    # bob frees his seat: dave, first on the waiting list, is promoted and told.
    assert api("bob").post(f"events/{eid}/rsvp", {"status": "declined"}).json_body == {"status": "declined"}
    statuses = {a["user"]["handle"]: a["status"] for a in api("alice").get(f"events/{eid}/attendees").json_body["items"]}
    assert statuses == {"bob": "declined", "carol": "going", "dave": "going", "alice": "waitlist"}
    assert kinds(dave.user, "event_promoted") == 1 and kinds(world.alice.user, "event_promoted") == 0
    # Raising the capacity promotes the rest.
    api("alice").patch(f"events/{eid}", {"capacity": 3})
    assert kinds(world.alice.user, "event_promoted") == 1
    assert api("alice").get(f"events/{eid}").json_body["my_status"] == "going"


def test_organiser_removes_an_attendee_and_the_seat_goes_to_the_waitlist(api, world):
    carol = member(world, "carol")
    event = create(api, capacity=1)
    eid = event["id"]
    api("bob").post(f"events/{eid}/rsvp", {"status": "going"})
    assert Api(carol).post(f"events/{eid}/rsvp", {"status": "going"}).json_body == {"status": "waitlist"}
    assert Api(carol).delete(f"events/{eid}/attendees/{world.bob.user.pk}").status_code == 403
    assert api("mallory").delete(f"events/{eid}/attendees/{world.bob.user.pk}").status_code == 404
    assert api("alice").delete(f"events/{eid}/attendees/{world.bob.user.pk}").status_code == 204
    assert Api(carol).get(f"events/{eid}").json_body["my_status"] == "going"
    assert kinds(carol.user, "event_promoted") == 1
    assert api("alice").delete(f"events/{eid}/attendees/{world.bob.user.pk}").status_code == 404


def test_seats_of_people_removed_from_the_space_go_to_the_waitlist(api, world):
    carol = member(world, "carol")
    event = create(api, capacity=1)
    eid = event["id"]
    api("bob").post(f"events/{eid}/rsvp", {"status": "going"})
    assert Api(carol).post(f"events/{eid}/rsvp", {"status": "going"}).json_body == {"status": "waitlist"}
    assert api("alice").delete(f"spaces/acme/members/{world.bob.user.pk}").status_code == 204
    queue_due_jobs(timezone.now().timestamp())
    run_pending_tasks()
    assert Api(carol).get(f"events/{eid}").json_body["my_status"] == "going"
    assert kinds(carol.user, "event_promoted") == 1
    handles = [a["user"]["handle"] for a in api("alice").get(f"events/{eid}/attendees").json_body["items"]]
    assert handles == ["carol"]


def test_approval_events_are_pending_until_approved(api, world):
    event = create(api, enrollment="approval", capacity=1)
    eid = event["id"]
    assert api("bob").post(f"events/{eid}/rsvp", {"status": "going"}).json_body == {"status": "pending"}
    assert api("bob").post(f"events/{eid}/attendees/{world.bob.user.pk}/approve").status_code == 403
    assert api("mallory").post(f"events/{eid}/attendees/{world.bob.user.pk}/approve").status_code == 404
    response = api("alice").post(f"events/{eid}/attendees/{world.bob.user.pk}/approve")
    assert response.status_code == 200 and response.json_body["status"] == "going"
    assert kinds(world.bob.user, "event_approved") == 1
    # bob's pending entry was hidden from other members until approved.
    carol = member(world, "carol")
    handles = [a["user"]["handle"] for a in Api(carol).get(f"events/{eid}/attendees").json_body["items"]]
    assert handles == ["bob"]
    assert api("alice").post(f"events/{eid}/attendees/{carol.user.pk}/approve").status_code == 404


def test_invite_events_take_answers_only_from_invited_people(api, world):
    carol = member(world, "carol")
    event = create(api, enrollment="invite")
    eid = event["id"]
    assert api("bob").post(f"events/{eid}/rsvp", {"status": "going"}).status_code == 403
    response = api("alice").patch(f"events/{eid}", {"invitee_ids": [world.bob.user.pk]})
    assert response.status_code == 200
    assert kinds(world.bob.user, "event_invited") == 1
    assert api("bob").post(f"events/{eid}/rsvp", {"status": "maybe"}).json_body == {"status": "maybe"}
    assert Api(carol).post(f"events/{eid}/rsvp", {"status": "going"}).status_code == 403
    # Only people who may see the event can be invited.
    response = api("alice").patch(f"events/{eid}", {"invitee_ids": [world.mallory.user.pk]})
    assert response.status_code == 422 and response.json_body["detail"][0]["loc"][-1] == "invitee_ids"


def test_changes_of_time_or_place_notify_attendees(api, world):
    event = create(api)
    eid = event["id"]
    api("bob").post(f"events/{eid}/rsvp", {"status": "going"})
    api("alice").patch(f"events/{eid}", {"title": "Tasting (red)"})
    assert kinds(world.bob.user, "event_changed") == 0
    api("alice").patch(f"events/{eid}", {"location": "Rooftop"})
    assert kinds(world.bob.user, "event_changed") == 1


def test_cancellation_notifies_and_is_final(api, world):
    event = create(api)
    eid = event["id"]
    api("bob").post(f"events/{eid}/rsvp", {"status": "going"})
    response = api("alice").post(f"events/{eid}/cancel")
    assert response.status_code == 200 and response.json_body["state"] == "cancelled"
    assert kinds(world.bob.user, "event_cancelled") == 1
    assert api("alice").post(f"events/{eid}/cancel").status_code == 409
    assert api("bob").post(f"events/{eid}/rsvp", {"status": "going"}).status_code == 409
    assert api("alice").patch(f"events/{eid}", {"title": "Back"}).status_code == 409


def test_registration_deadline_closes_answers_but_not_declining(api, world):
    event = create(api)
    from plaza.events.models import Event

    Event.objects.filter(pk=event["id"]).update(registration_deadline=timezone.now() - timedelta(minutes=1))
    assert api("bob").post(f"events/{event['id']}/rsvp", {"status": "going"}).status_code == 409
    assert api("bob").post(f"events/{event['id']}/rsvp", {"status": "declined"}).status_code == 200


def test_reminders_are_sent_once_a_day_and_once_an_hour_before(api, world):
    start = timezone.now() + timedelta(hours=23)
    event = create(api, starts_at=iso(start), ends_at=iso(start + timedelta(hours=1)))
    api("bob").post(f"events/{event['id']}/rsvp", {"status": "going"})
    api("alice").post(f"events/{event['id']}/rsvp", {"status": "maybe"})
    now = timezone.now().timestamp()
    # The scheduled job, run twice (two different five-minute slots).
    assert "event_reminders" in queue_due_jobs(now)
    run_pending_tasks()
    assert "event_reminders" in queue_due_jobs(now + 300)
    run_pending_tasks()
    assert kinds(world.bob.user, "event_reminder") == 1
    assert kinds(world.alice.user, "event_reminder") == 0  # maybe is not going
    # Within the last hour: the hour reminder, once.
    assert do_send_due_reminders(start - timedelta(minutes=30)) == 1
    assert do_send_due_reminders(start - timedelta(minutes=25)) == 0
    assert kinds(world.bob.user, "event_reminder") == 2


def _count_queries(client_call):
    client_call()  # warm up: a token's first use of the day is recorded once
    with CaptureQueriesContext(connection) as ctx:
        response = client_call()
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_list_query_counts_do_not_grow(api, world):
    people = [member(world, f"p{i}") for i in range(25)]

    def seed(n):
        events = [create(api, title=f"E{i}") for i in range(n)]
        for person in people[:n]:
            Api(person).post(f"events/{events[0]['id']}/rsvp", {"status": "going"})
        return events[0]["id"]

    first = seed(3)
    few = _count_queries(lambda: api("bob").get("spaces/acme/events?limit=100"))
    few_att = _count_queries(lambda: api("bob").get(f"events/{first}/attendees?limit=100"))
    from plaza.events.models import Attendee, Event

    Attendee.objects.all().delete()
    Event.objects.all().delete()
    first = seed(25)
    many = _count_queries(lambda: api("bob").get("spaces/acme/events?limit=100"))
    many_att = _count_queries(lambda: api("bob").get(f"events/{first}/attendees?limit=100"))
    assert len(api("bob").get("spaces/acme/events?limit=100").json_body["items"]) == 25
    assert (few, few_att) == (many, many_att)
