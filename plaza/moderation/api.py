"""Moderation API: anyone reports what they can see; a space's admins list and resolve."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from plaza.core.schemas import errors
from plaza.moderation import actions, queries
from plaza.moderation.access import access_report, access_thing
from plaza.moderation.models import Report, ReportStatus
from plaza.moderation.schemas import ReportCreatedOut, ReportIn, ReportList, ResolveIn, ResolveOut
from plaza.spaces.access import access_space
from plaza.spaces.models import Role

router = Router(tags=["moderation"])


def report_out(r: Report) -> dict[str, Any]:
    return {
        "id": r.pk,
        "type": r.kind,
        "target_id": r.target_id,
        "reason": r.reason,
        "details": r.details,
        "reporter": r.reporter,
        "status": r.status,
        "created_at": r.created,
        "excerpt": r.excerpt,
        "outcome": r.outcome or None,
        "resolved_at": r.resolved_at,
    }


@router.post("/reports", response={201: ReportCreatedOut, **errors(401, 403, 404, 409, 422, 429)})
def create_report(request: HttpRequest, payload: ReportIn) -> Status:
    """Report something you can see to its space's moderators (404 when you cannot see it;
    403 for your own; 409 when your earlier report of it is still open)."""
    acc, thing = access_thing(request.auth, payload.type, payload.id)
    report = actions.do_report(acc, thing, reason=payload.reason, details=payload.details)
    return Status(201, {"id": report.pk})


@router.get("/spaces/{slug}/reports", response={200: ReportList, **errors(401, 403, 404, 422)})
def list_reports(
    request: HttpRequest, slug: str, status: str = ReportStatus.OPEN, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    actions.check_status(status)
    rows, next_cursor = queries.page_reports(acc, status=status, cursor=cursor, limit=limit)
    return {"items": [report_out(r) for r in rows], "next_cursor": next_cursor}


@router.post("/reports/{int:report_id}/resolve", response={200: ResolveOut, **errors(401, 403, 404, 409, 422)})
def resolve_report(request: HttpRequest, report_id: int, payload: ResolveIn) -> dict[str, Any]:
    """Dismiss, hide or delete the reported thing (the space's admins)."""
    acc, report = access_report(request.auth, report_id)
    resolved = actions.do_resolve_report(acc, report, action=payload.action, note=payload.note)
    return {"id": report.pk, "status": ReportStatus.RESOLVED, "action": resolved[0].outcome, "resolved": [r.pk for r in resolved]}
