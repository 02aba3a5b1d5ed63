"""Events API (API.md, Publishing). Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from plaza.core.schemas import DateTimeIn, errors
from plaza.events import actions, queries
from plaza.events.access import access_event, can_manage_event
from plaza.events.models import Attendee, Event
from plaza.events.schemas import AttendeeList, AttendeeOut, EventIn, EventList, EventOut, EventPatch, RsvpIn, RsvpOut
from plaza.spaces.access import SpaceAccess, access_space

router = Router(tags=["events"])


def event_out(acc: SpaceAccess, event: Event) -> dict[str, Any]:
    """An event from ``queries.events_queryset`` (its annotations) as JSON."""
    return {
        "id": event.pk,
        "space": event.space.slug,
        "team_id": event.team_id,
        "title": event.title,
        "description": event.description,
        "html": event.html,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "timezone": event.timezone,
        "all_day": event.all_day,
        "location": event.location,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "enrollment": event.enrollment,
        "registration_deadline": event.registration_deadline,
        "state": event.state,
        "organiser": event.organiser,
        "going_count": getattr(event, "going_count", 0),
        "waitlist_count": getattr(event, "waitlist_count", 0),
        "my_status": getattr(event, "my_status", None),
        "can_manage": can_manage_event(acc, event),
        "created_at": event.created,
    }


def attendee_out(attendee: Attendee) -> dict[str, Any]:
    return {"user": attendee.user, "status": attendee.status, "responded_at": attendee.responded_at}


@router.post("/spaces/{slug}/events", response={201: EventOut, **errors(401, 403, 404, 422)})
def create_event(request: HttpRequest, slug: str, payload: EventIn) -> Status:
    acc = access_space(request.auth, slug)
    event = actions.do_create_event(
        acc, title=payload.title, description=payload.description, starts_at=payload.starts_at, ends_at=payload.ends_at,
        timezone_name=payload.timezone, all_day=payload.all_day, location=payload.location, online_url=payload.online_url,
        capacity=payload.capacity, enrollment=payload.enrollment, registration_deadline=payload.registration_deadline,
        team_id=payload.team_id, invitee_ids=payload.invitee_ids,
    )
    return Status(201, event_out(acc, queries.get_event(acc, event.pk)[1]))


@router.get("/spaces/{slug}/events", response={200: EventList, **errors(401, 404, 422)})
def list_events(
    request: HttpRequest, slug: str,
    start: DateTimeIn | None = Query(None, alias="from", description="Events ending after this time; now by default."),  # noqa: B008
    end: DateTimeIn | None = Query(None, alias="to", description="Events starting before this time."),  # noqa: B008
    cursor: str | None = None, limit: int | None = None,
) -> dict[str, Any]:
    acc = access_space(request.auth, slug)
    rows, next_cursor = queries.list_space_events(acc, start=start, end=end, cursor=cursor, limit=limit)
    return {"items": [event_out(acc, e) for e in rows], "next_cursor": next_cursor}


@router.get("/events/{int:event_id}", response={200: EventOut, **errors(401, 404)})
def get_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    acc, event = queries.get_event(request.auth, event_id)
    return event_out(acc, event)


@router.patch("/events/{int:event_id}", response={200: EventOut, **errors(401, 403, 404, 409, 422)})
def edit_event(request: HttpRequest, event_id: int, payload: EventPatch) -> dict[str, Any]:
    acc, event = access_event(request.auth, event_id, for_write=True)
    changes = payload.dict(exclude_unset=True)
    if "timezone" in changes:
        changes["timezone_name"] = changes.pop("timezone")
    actions.do_update_event(acc, event, **changes)
    return event_out(acc, queries.get_event(acc, event.pk)[1])


@router.post("/events/{int:event_id}/cancel", response={200: EventOut, **errors(401, 403, 404, 409)})
def cancel_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    acc, event = access_event(request.auth, event_id, for_write=True)
    actions.do_cancel_event(acc, event)
    return event_out(acc, queries.get_event(acc, event.pk)[1])


@router.post("/events/{int:event_id}/rsvp", response={200: RsvpOut, **errors(401, 403, 404, 409, 422)})
def rsvp(request: HttpRequest, event_id: int, payload: RsvpIn) -> dict[str, Any]:
    acc, event = access_event(request.auth, event_id)
    attendee = actions.do_rsvp(acc, event, payload.status)
    return {"status": attendee.status}


@router.get("/events/{int:event_id}/attendees", response={200: AttendeeList, **errors(401, 404, 422)})
def attendees(
    request: HttpRequest, event_id: int, status: str | None = None, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    acc, event = access_event(request.auth, event_id)
    rows, next_cursor = queries.list_attendees(acc, event, status=status, cursor=cursor, limit=limit)
    return {"items": [attendee_out(a) for a in rows], "next_cursor": next_cursor}


@router.post("/events/{int:event_id}/attendees/{int:user_id}/approve",
             response={200: AttendeeOut, **errors(401, 403, 404, 409)})
def approve(request: HttpRequest, event_id: int, user_id: int) -> dict[str, Any]:
    acc, event = access_event(request.auth, event_id, for_write=True)
    return attendee_out(actions.do_approve_attendee(acc, event, user_id))


@router.delete("/events/{int:event_id}/attendees/{int:user_id}", response={204: None, **errors(401, 403, 404)})
def remove_attendee(request: HttpRequest, event_id: int, user_id: int) -> Status:
    acc, event = access_event(request.auth, event_id, for_write=True)
    actions.do_remove_attendee(acc, event, user_id)
    return Status(204, None)
