"""Objects the authorization matrix (core/tests/test_authz_matrix.py) points the routes of
events and the calendar at. Each event is alice's, space-wide in acme: bob (member) sees it,
gina (guest) sees only her teams' events, mallory may not know acme."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plaza.spaces.access import space_access_for


def event_body(f: Any = None) -> dict[str, Any]:
    start = timezone.now() + timedelta(days=3)
    return {"title": "Tasting", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
            "timezone": "Asia/Shanghai", "capacity": 10}


def _event(f: Any, **kwargs: Any) -> Any:
    from plaza.events.actions import do_create_event

    start = timezone.now() + timedelta(days=3)
    return do_create_event(space_access_for(f.world.alice.user, f.world.acme), title="Tasting", starts_at=start,
                           ends_at=start + timedelta(hours=2), **kwargs)


def acme_event(f: Any) -> dict[str, Any]:
    return {"event_id": _event(f).pk}


def acme_approval_event_bob_pending(f: Any) -> dict[str, Any]:
    """An approval event of alice where bob waits for approval."""
    from plaza.events.actions import do_rsvp

    event = _event(f, enrollment="approval")
    do_rsvp(space_access_for(f.world.bob.user, f.world.acme), event, "going")
    return {"event_id": event.pk, "user_id": f.world.bob.user.pk}


def acme_event_bob_going(f: Any) -> dict[str, Any]:
    from plaza.events.actions import do_rsvp

    event = _event(f)
    do_rsvp(space_access_for(f.world.bob.user, f.world.acme), event, "going")
    return {"event_id": event.pk, "user_id": f.world.bob.user.pk}


def entry_body(f: Any = None) -> dict[str, Any]:
    start = timezone.now() + timedelta(days=1)
    return {"title": "Focus time", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
            "rrule": "FREQ=WEEKLY;COUNT=4"}


def ics_upload() -> SimpleUploadedFile:
    content = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:x@test\r\nSUMMARY:Imported\r\n"
        b"DTSTART:20300101T100000Z\r\nDTEND:20300101T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return SimpleUploadedFile("calendar.ics", content, content_type="text/calendar")
