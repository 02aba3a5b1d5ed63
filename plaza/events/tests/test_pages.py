"""Event and calendar pages: list, detail with htmx RSVP and attendees, the form, the
calendar views, entries, import and the feed address; outsiders get 404."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from plaza.calendars.models import Entry
from plaza.core.testing import make_persona
from plaza.events.models import Event
from plaza.spaces.models import Membership

pytestmark = pytest.mark.django_db


def login(persona):
    client = Client()
    client.force_login(persona.user)
    return client


def make_event(world, **kw):
    from plaza.events.actions import do_create_event
    from plaza.spaces.access import space_access_for

    start = timezone.now() + timedelta(days=2)
    return do_create_event(space_access_for(world.alice.user, world.acme), title=kw.pop("title", "Tasting"),
                           starts_at=start, ends_at=start + timedelta(hours=2), timezone_name="Asia/Shanghai", **kw)


def test_create_through_the_form_and_see_it_listed(world):
    alice = login(world.alice)
    page = alice.get("/s/acme/events/new/")
    assert page.status_code == 200 and b'name="starts_at"' in page.content
    response = alice.post("/s/acme/events/new/", {
        "title": "Harvest party", "description": "*Join* us", "starts_at": "2030-09-01T18:00", "ends_at": "2030-09-01T22:00",
        "timezone": "Asia/Shanghai", "location": "Vineyard", "capacity": "20", "enrollment": "open",
    })
    event = Event.objects.get(title="Harvest party")
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    assert event.starts_at.isoformat() == "2030-09-01T10:00:00+00:00" and event.capacity == 20
    listing = login(world.bob).get("/s/acme/events/")
    assert b"Harvest party" in listing.content
    # Bad input comes back on the form with what was typed, nothing created.
    refused = alice.post("/s/acme/events/new/", {"title": "Bad", "location": "Cellar", "starts_at": "2030-09-01T18:00",
                                                "ends_at": "2030-09-01T10:00"})
    assert refused.status_code == 422 and not Event.objects.filter(title="Bad").exists()
    html = refused.content.decode()
    assert 'role="alert"' in html and 'value="Bad"' in html and 'value="Cellar"' in html
    assert 'name="ends_at" aria-invalid="true"' in html


def test_invite_people_from_the_form_with_the_picker(world):
    from plaza.notifications.models import Notification

    carol = make_persona("carol")
    Membership.objects.create(space=world.acme, user=carol.user, role="member")
    alice = login(world.alice)
    page = alice.get("/s/acme/events/new/").content.decode()
    # The invitee list is a people picker over this space's people (type-ahead from /api/v1/people).
    assert 'name="invitee_ids"' in page and 'data-people-picker="/api/v1/people?space=acme"' in page
    assert f'<option value="{world.bob.user.pk}"' in page and f'value="{world.mallory.user.pk}"' not in page
    response = alice.post("/s/acme/events/new/", {
        "title": "Board dinner", "starts_at": "2030-09-01T18:00", "ends_at": "2030-09-01T22:00", "timezone": "UTC",
        "enrollment": "invite", "invitee_ids": [str(world.bob.user.pk)],
    })
    event = Event.objects.get(title="Board dinner")
    assert response.status_code == 302
    assert list(event.attendees.filter(invited=True).values_list("user_id", flat=True)) == [world.bob.user.pk]
    assert Notification.objects.filter(recipient=world.bob.user, kind="event_invited").count() == 1
    detail = login(world.bob).get(f"/events/{event.pk}/").content.decode()
    assert "Board dinner" in detail and "Going" in detail  # bob may answer an invitation-only event
    # Someone outside the space is refused by name of the field; nothing is written.
    refused = alice.post("/s/acme/events/new/", {
        "title": "Leak", "starts_at": "2030-09-01T18:00", "ends_at": "2030-09-01T22:00", "timezone": "UTC",
        "enrollment": "invite", "invitee_ids": [str(world.bob.user.pk), str(world.mallory.user.pk)],
    })
    assert refused.status_code == 422 and not Event.objects.filter(title="Leak").exists()
    html = refused.content.decode()
    assert "Invite only people who may see the event." in html and 'aria-invalid="true"' in html
    assert f'<option value="{world.bob.user.pk}"' in html  # bob is still picked
    assert world.mallory.user.name not in html  # an outsider's id posted back reveals no name
    assert not Notification.objects.filter(recipient=world.mallory.user, kind="event_invited").exists()
    # A non-number is a clear error too, never a 500.
    assert alice.post("/s/acme/events/new/", {"title": "X", "starts_at": "2030-09-01T18:00", "ends_at": "2030-09-01T22:00",
                                             "invitee_ids": ["bob"]}).status_code == 422
    # More people from the edit page.
    assert "Invite more people" in alice.get(f"/events/{event.pk}/edit/").content.decode()
    edited = alice.post(f"/events/{event.pk}/edit/", {
        "title": "Board dinner", "starts_at": "2030-09-01T18:00", "ends_at": "2030-09-01T22:00", "timezone": "UTC",
        "enrollment": "invite", "invitee_ids": [str(carol.user.pk)],
    })
    assert edited.status_code == 302
    assert set(event.attendees.filter(invited=True).values_list("user_id", flat=True)) == {world.bob.user.pk, carol.user.pk}


def test_detail_rsvp_with_htmx_and_waitlist(world):
    event = make_event(world, capacity=1)
    bob = login(world.bob)
    page = bob.get(f"/events/{event.pk}/")
    assert page.status_code == 200 and b'data-rsvp="going"' in page.content
    partial = bob.post(f"/events/{event.pk}/rsvp/", {"status": "going"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b'data-my-status="going"' in partial.content and b"<html" not in partial.content
    carol = make_persona("carol")
    Membership.objects.create(space=world.acme, user=carol.user, role="member")
    partial = login(carol).post(f"/events/{event.pk}/rsvp/", {"status": "going"}, HTTP_HX_REQUEST="true")
    assert b'data-my-status="waitlist"' in partial.content
    bob.post(f"/events/{event.pk}/rsvp/", {"status": "declined"}, HTTP_HX_REQUEST="true")
    page = login(carol).get(f"/events/{event.pk}/")
    assert b'data-my-status="going"' in page.content
    assert b'data-attendee="carol" data-status="going"' in page.content


def test_edit_and_cancel_pages_are_for_the_organiser(world):
    event = make_event(world)
    assert login(world.bob).get(f"/events/{event.pk}/edit/").status_code == 403
    alice = login(world.alice)
    assert alice.get(f"/events/{event.pk}/edit/").status_code == 200
    alice.post(f"/events/{event.pk}/edit/", {
        "title": "Tasting II", "starts_at": "2030-09-01T18:00", "ends_at": "2030-09-01T22:00", "timezone": "UTC",
        "enrollment": "open",
    })
    event.refresh_from_db()
    assert event.title == "Tasting II"
    alice.post(f"/events/{event.pk}/cancel/")
    event.refresh_from_db()
    assert event.state == "cancelled"


def test_outsiders_and_anonymous_on_pages(world):
    event = make_event(world)
    mallory = login(world.mallory)
    for path in (f"/events/{event.pk}/", "/s/acme/events/", f"/events/{event.pk}/edit/"):
        assert mallory.get(path).status_code == 404
        assert Client().get(path).status_code == 302  # to sign in
    assert login(world.gina).get(f"/events/{event.pk}/").status_code == 404


def test_calendar_views(world):
    event = make_event(world)
    from plaza.events.actions import do_rsvp
    from plaza.spaces.access import space_access_for

    do_rsvp(space_access_for(world.bob.user, world.acme), event, "going")
    bob = login(world.bob)
    # The entry starts on the event's own day, so every view of that day shows both
    # whatever weekday the test runs on (a week view would not span two weeks).
    day = event.starts_at.astimezone(datetime.UTC).date().isoformat()
    response = bob.post("/calendar/entries/", {"title": "Gym", "starts_at": f"{day}T00:00", "ends_at": f"{day}T00:30",
                                               "rrule": "FREQ=DAILY;COUNT=3"})
    assert response.status_code == 302 and Entry.objects.filter(owner=world.bob.user, title="Gym").exists()
    for view in ("month", "week", "agenda"):
        page = bob.get(f"/calendar/?view={view}&date={day}")
        assert page.status_code == 200
        assert b"Gym" in page.content and b"Tasting" in page.content, view
    assert b"cal-month" in bob.get(f"/calendar/?view=month&date={day}").content
    page = bob.get("/calendar/?view=agenda")
    assert b"/calendar/ics/" in page.content
    assert bob.get("/calendar/?date=nonsense").status_code == 400
    assert Client().get("/calendar/").status_code == 302


def test_calendar_import_and_rotate_pages(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plaza.calendars.actions import do_get_or_create_feed
    from plaza.calendars.queries import feed_path

    bob = login(world.bob)
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nSUMMARY:Imported\r\n"
           b"DTSTART:20300101T100000Z\r\nDTEND:20300101T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    bob.post("/calendar/import/", {"file": SimpleUploadedFile("a.ics", ics)})
    assert Entry.objects.filter(owner=world.bob.user, title="Imported").exists()
    bob.post("/calendar/import/", {"file": SimpleUploadedFile("b.ics", b"garbage")})
    assert Entry.objects.filter(owner=world.bob.user).count() == 1
    old = feed_path(do_get_or_create_feed(world.bob.user))
    bob.post("/calendar/feed/rotate/")
    assert Client().get(old).status_code == 404
    assert Client().get(feed_path(do_get_or_create_feed(world.bob.user))).status_code == 200
