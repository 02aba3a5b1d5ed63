"""Announcements API (API.md, Publishing). Routes parse input, check access, call one
action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from plaza.announcements import actions, queries
from plaza.announcements.access import access_announcement
from plaza.announcements.models import Announcement
from plaza.announcements.schemas import (
    AnnouncementIn,
    AnnouncementList,
    AnnouncementOut,
    AnnouncementPatch,
    AnnouncementReadOut,
    ReceiptsOut,
    RemindOut,
)
from plaza.core.schemas import errors
from plaza.spaces.access import SpaceAccess, access_space

router = Router(tags=["announcements"])


def announcement_out(a: Announcement, acc: SpaceAccess) -> dict[str, Any]:
    """An announcement from ``queries.announcement_queryset`` (its annotations) as JSON."""
    return {
        "id": a.pk,
        "title": a.title,
        "body": a.body,
        "html": a.html,
        "author": a.author,
        "space": a.space.slug,
        "category": a.category.name if a.category else None,
        "team_ids": a.team_ids,
        "user_ids": a.user_ids,
        "require_ack": a.require_ack,
        "pinned_until": a.pinned_until,
        "status": a.status,
        "created_at": a.created,
        "edited_at": a.edited_at,
        "is_recipient": a.is_recipient,
        "read_by_me": a.read_by_me,
        "acknowledged_by_me": a.acknowledged_by_me,
        "recipient_count": a.recipient_count if acc.is_admin else None,
        "read_count": a.read_count if acc.is_admin else None,
    }


def _fresh(acc: SpaceAccess, announcement_id: int) -> dict[str, Any]:
    acc, found = queries.get_announcement(acc, announcement_id)
    return announcement_out(found, acc)


@router.post("/spaces/{slug}/announcements", response={201: AnnouncementOut, **errors(401, 403, 404, 422)})
def publish(request: HttpRequest, slug: str, payload: AnnouncementIn) -> Status:
    acc = access_space(request.auth, slug)
    found = actions.do_publish_announcement(
        acc, title=payload.title, body=payload.body, category=payload.category, team_ids=payload.team_ids,
        user_ids=payload.user_ids, require_ack=payload.require_ack, pinned_until=payload.pinned_until,
    )
    return Status(201, _fresh(acc, found.pk))


@router.get("/spaces/{slug}/announcements", response={200: AnnouncementList, **errors(401, 404, 422)})
def list_announcements(request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc = access_space(request.auth, slug)
    rows, next_cursor = queries.list_space_announcements(acc, cursor=cursor, limit=limit)
    return {"items": [announcement_out(a, acc) for a in rows], "next_cursor": next_cursor}


@router.get("/announcements/{int:announcement_id}", response={200: AnnouncementOut, **errors(401, 404)})
def get_announcement(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    acc, found = queries.get_announcement(request.auth, announcement_id)
    return announcement_out(found, acc)


@router.patch("/announcements/{int:announcement_id}", response={200: AnnouncementOut, **errors(401, 403, 404, 409, 422)})
def edit(request: HttpRequest, announcement_id: int, payload: AnnouncementPatch) -> dict[str, Any]:
    acc, found = access_announcement(request.auth, announcement_id, for_write=True)
    actions.do_edit_announcement(acc, found, payload.model_dump(exclude_unset=True))
    return _fresh(acc, found.pk)


@router.post("/announcements/{int:announcement_id}/read", response={200: AnnouncementReadOut, **errors(401, 404)})
def read(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    acc, found = access_announcement(request.auth, announcement_id, live=True)
    actions.do_mark_read(acc, found, acknowledge=True)
    fresh = queries.get_announcement(acc, found.pk)[1]
    return {"read_by_me": fresh.read_by_me, "acknowledged_by_me": fresh.acknowledged_by_me}


@router.post("/announcements/{int:announcement_id}/recall", response={200: AnnouncementOut, **errors(401, 403, 404, 409)})
def recall(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    acc, found = access_announcement(request.auth, announcement_id, for_write=True)
    actions.do_recall_announcement(acc, found)
    return _fresh(acc, found.pk)


@router.get("/announcements/{int:announcement_id}/receipts", response={200: ReceiptsOut, **errors(401, 403, 404)})
def receipts(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    _acc, found = access_announcement(request.auth, announcement_id, for_write=True)
    read_rows, unread_rows = queries.get_receipts(found)
    return {
        "read": [{"user": r.user, "read_at": r.read_at, "acknowledged_at": r.acknowledged_at} for r in read_rows],
        "unread": [r.user for r in unread_rows],
        "read_count": len(read_rows),
        "unread_count": len(unread_rows),
    }


@router.post("/announcements/{int:announcement_id}/remind", response={202: RemindOut, **errors(401, 403, 404, 409, 429)})
def remind(request: HttpRequest, announcement_id: int) -> Status:
    acc, found = access_announcement(request.auth, announcement_id, for_write=True)
    return Status(202, {"reminded": actions.do_remind(acc, found)})
