"""Notifications API: the centre, the unread count, read marks and settings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from plaza.core.schemas import errors
from plaza.notifications import actions, queries
from plaza.notifications.models import Notification
from plaza.notifications.schemas import CountOut, NotificationList, NotificationReadIn, SettingsIn, SettingsOut

router = Router(tags=["notifications"])


def notification_out(row: Notification) -> dict[str, Any]:
    available = row.available  # type: ignore[attr-defined]
    return {
        "id": row.pk,
        "kind": row.kind,
        "created_at": row.created,
        "read": row.read_at is not None,
        "available": available,
        "actor": row.actor if available else None,
        "target": {"type": row.target_type, "id": row.target_id, "url": row.url or None}  # type: ignore[attr-defined]
        if available and row.target_type
        else None,
        "text": row.text,  # type: ignore[attr-defined]
    }


@router.get("/notifications", response={200: NotificationList, **errors(401, 422)})
def list_notifications(request: HttpRequest, unread: bool | None = None, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    rows, next_cursor = queries.list_notifications(request.auth, unread=unread, cursor=cursor, limit=limit)
    return {"items": [notification_out(r) for r in rows], "next_cursor": next_cursor}


@router.get("/notifications/unread-count", response={200: CountOut, **errors(401)})
def unread_count(request: HttpRequest) -> dict[str, int]:
    return {"count": queries.unread_count(request.auth)}


@router.post("/notifications/read", response={200: CountOut, **errors(401, 422)})
def mark_read(request: HttpRequest, payload: NotificationReadIn) -> dict[str, int]:
    return {"count": actions.do_mark_read(request.auth, ids=payload.ids, all=payload.all)}


@router.get("/notifications/settings", response={200: SettingsOut, **errors(401)})
def get_settings(request: HttpRequest) -> dict[str, Any]:
    return queries.get_settings(request.auth)


@router.put("/notifications/settings", response={200: SettingsOut, **errors(401, 422)})
def put_settings(request: HttpRequest, payload: SettingsIn) -> dict[str, Any]:
    actions.do_update_settings(
        request.auth, modes=payload.modes, muted_space_ids=payload.muted_spaces, muted_team_ids=payload.muted_teams
    )
    return queries.get_settings(request.auth)
