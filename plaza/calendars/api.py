"""Calendar API (API.md, Publishing). Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from plaza.calendars import actions, queries
from plaza.calendars.models import Entry
from plaza.calendars.schemas import CalendarImportOut, CalendarOut, EntryIn, EntryOut, FeedOut
from plaza.core.schemas import DateTimeIn, errors

router = Router(tags=["calendar"])


def item_out(item: queries.Item) -> dict[str, Any]:
    return {"kind": item.kind, "id": item.id, "title": item.title, "starts_at": item.starts_at, "ends_at": item.ends_at,
            "space": item.space, "team_id": item.team_id, "all_day": item.all_day, "recurring": item.recurring}


def entry_out(entry: Entry) -> dict[str, Any]:
    return {"id": entry.pk, "title": entry.title, "starts_at": entry.starts_at, "ends_at": entry.ends_at,
            "timezone": entry.timezone, "rrule": entry.rrule, "team_id": entry.team_id,
            "space": entry.space.slug if entry.space else None}


@router.get("/calendar", response={200: CalendarOut, **errors(401, 422)})
def calendar(
    request: HttpRequest,
    start: DateTimeIn | None = Query(None, alias="from", description="Start of the window; today by default."),  # noqa: B008
    end: DateTimeIn | None = Query(None, alias="to", description="End of the window; a month on by default (at most 400 days)."),  # noqa: B008
) -> dict[str, Any]:
    return {"items": [item_out(i) for i in queries.list_calendar(request.auth, start, end)]}


@router.post("/calendar/entries", response={201: EntryOut, **errors(401, 403, 422)})
def create_entry(request: HttpRequest, payload: EntryIn) -> Status:
    entry = actions.do_create_entry(
        request.auth, title=payload.title, starts_at=payload.starts_at, ends_at=payload.ends_at, rrule=payload.rrule,
        team_id=payload.team_id, timezone_name=payload.timezone,
    )
    return Status(201, entry_out(entry))


@router.get("/calendar/feed", response={200: FeedOut, **errors(401)})
def feed(request: HttpRequest) -> dict[str, Any]:
    found = actions.do_get_or_create_feed(request.auth)
    return {"url": request.build_absolute_uri(queries.feed_path(found))}


@router.post("/calendar/feed/rotate", response={200: FeedOut, **errors(401)})
def rotate_feed(request: HttpRequest) -> dict[str, Any]:
    found = actions.do_rotate_feed(request.auth)
    return {"url": request.build_absolute_uri(queries.feed_path(found))}


@router.post("/calendar/import", response={200: CalendarImportOut, **errors(401, 413, 422)})
def import_ics(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    if file.size and file.size > actions.MAX_IMPORT_BYTES:
        raise actions.TooLarge()
    data = file.read(actions.MAX_IMPORT_BYTES + 1)
    return {"imported": actions.do_import_ics(request.auth, data)}
