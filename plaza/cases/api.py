"""Quick review API. Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from plaza.cases import actions, queries
from plaza.cases.access import (
    access_case,
    access_case_by_code,
    access_case_type,
    lookup_file_token,
    require_reviewer,
)
from plaza.cases.models import Case, CaseEvent, CaseType
from plaza.cases.schemas import (
    AssignIn,
    CaseCreatedOut,
    CaseIn,
    CaseList,
    CaseOut,
    CaseTypeIn,
    CaseTypeList,
    CaseTypeOut,
    LookupCodeIn,
    LookupOut,
    LookupReplyIn,
    NoteIn,
    StatsOut,
    TransitionIn,
)
from plaza.core import ratelimit
from plaza.core.auth import optional
from plaza.core.errors import NotFound
from plaza.core.middleware import keep_no_idempotency_response
from plaza.core.schemas import Int64, errors
from plaza.spaces.access import access_space
from plaza.spaces.models import Role

router = Router(tags=["quick review"])

LOOKUP_LIMIT = 60  # lookups per address per 10 minutes
LOOKUP_FAIL_LIMIT = 10  # wrong number/code pairs per address (and per number) per 10 minutes


def case_type_out(t: CaseType) -> dict[str, Any]:
    return {"id": t.pk, "name": t.name, "description": t.description, "fields": t.fields, "submitters": t.submitters,
            "reviewer_team_id": t.reviewer_team_id, "outcomes": t.outcomes, "due_days": t.due_days or {}}


def event_out(e: CaseEvent) -> dict[str, Any]:
    return {"id": e.pk, "at": e.created, "kind": e.kind, "status": e.status, "body": e.body, "public": e.public,
            "actor": e.actor, "data": e.data}


def case_out(c: Case, slug: str, timeline: list[CaseEvent] | None = None) -> dict[str, Any]:
    return {
        "number": c.number, "space": slug, "case_type_id": c.case_type_id,
        "case_type": c.case_type.name, "status": c.status, "outcome": c.outcome, "values": c.values,
        "contact_email": c.contact_email, "assignee": c.assignee, "submitted_by": c.submitted_by, "due_at": c.due_at,
        "overdue": c.overdue or c.due_at is not None and c.status in actions.OPEN_STATUSES and c.due_at < _now(),
        "created_at": c.created, "updated_at": c.updated,
        "timeline": [event_out(e) for e in timeline] if timeline is not None else None,
    }


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def lookup_out(request: HttpRequest, c: Case) -> dict[str, Any]:
    """The submitter's view: public timeline entries, their values, files as signed links."""
    timeline = queries.list_timeline(c, public_only=True)
    rows, files = queries.get_lookup_details(c, timeline)

    def file_out(a: Any) -> dict[str, Any]:
        url = reverse("case_lookup_file", args=[lookup_file_token(c, a.pk)])
        return {"id": a.pk, "name": a.name, "size": a.size, "content_type": a.content_type, "is_image": a.is_image,
                "url": request.build_absolute_uri(url)}

    return {
        "number": c.number, "status": c.status, "outcome": c.outcome, "case_type": c.case_type.name, "created_at": c.created,
        "values": [{"key": r["key"], "label": r["label"], "type": r["type"], "value": r.get("value"),
                    "files": [file_out(a) for a in r["files"]] if "files" in r else None} for r in rows],
        "timeline": [{"at": e.created, "kind": e.kind, "status": e.status, "note": e.body,
                      "attachments": [file_out(a) for a in files.get(e.pk, [])]} for e in timeline],
    }


def _lookup(request: HttpRequest, number: str, code: str) -> Case:
    """Rate-limited per address; wrong pairs count more, per address and per number."""
    ip = ratelimit.client_key(request)
    ratelimit.hit("case-lookup", ip, limit=LOOKUP_LIMIT, window=600)
    try:
        return access_case_by_code(number, code)
    except NotFound:
        ratelimit.hit("case-lookup-fail", ip, limit=LOOKUP_FAIL_LIMIT, window=600)
        ratelimit.hit("case-lookup-fail-number", (number or "")[:40].upper(), limit=LOOKUP_FAIL_LIMIT, window=600)
        raise


# --- case types -----------------------------------------------------------------------------


@router.post("/spaces/{slug}/case-types", response={201: CaseTypeOut, **errors(401, 403, 404, 422)})
def create_case_type(request: HttpRequest, slug: str, payload: CaseTypeIn) -> Status:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    t = actions.do_create_case_type(
        acc, name=payload.name, description=payload.description, fields=payload.fields, submitters=payload.submitters,
        reviewer_team_id=payload.reviewer_team_id, outcomes=payload.outcomes, due_days=payload.due_days,
    )
    return Status(201, case_type_out(t))


@router.get("/spaces/{slug}/case-types", auth=optional, response={200: CaseTypeList, **errors(404)})
def list_case_types(request: HttpRequest, slug: str) -> dict[str, Any]:
    acc = access_space(request.auth, slug)
    return {"items": [case_type_out(t) for t in queries.list_case_types(acc)], "next_cursor": None}


# --- submitting and the public lookup -----------------------------------------------------


@router.post("/spaces/{slug}/cases", auth=optional, response={201: CaseCreatedOut, **errors(401, 403, 404, 422, 429)})
def submit_case(request: HttpRequest, slug: str, payload: CaseIn) -> Status:
    keep_no_idempotency_response(request)  # the answer shows the access code once
    if request.auth.is_authenticated:
        ratelimit.hit("case-submit", str(request.auth.pk), limit=30, window=600)
    else:
        ratelimit.hit("case-submit-ip", ratelimit.client_key(request), limit=10, window=600)
    acc = access_space(request.auth, slug)
    case_type = access_case_type(acc, payload.case_type_id, for_submit=True)
    case, code = actions.do_submit_case(acc, case_type, values=payload.values, contact_email=payload.contact_email,
                                        upload_codes=payload.upload_codes)
    return Status(201, {"number": case.number, "access_code": code, "status": case.status})


@router.get("/cases/lookup", auth=optional, response={200: LookupOut, **errors(404, 422, 429)})
def lookup(request: HttpRequest, number: str = "", code: str = "") -> dict[str, Any]:
    return lookup_out(request, _lookup(request, number, code))


@router.post("/cases/lookup/reply", auth=optional, response={200: LookupOut, **errors(404, 409, 422, 429)})
def lookup_reply(request: HttpRequest, payload: LookupReplyIn) -> dict[str, Any]:
    case = actions.do_reply_as_submitter(_lookup(request, payload.number, payload.code), body=payload.body,
                                         user=request.auth, attachment_ids=payload.attachment_ids,
                                         upload_codes=payload.upload_codes)
    return lookup_out(request, case)


@router.post("/cases/lookup/withdraw", auth=optional, response={200: LookupOut, **errors(404, 409, 422, 429)})
def lookup_withdraw(request: HttpRequest, payload: LookupCodeIn) -> dict[str, Any]:
    case = actions.do_withdraw_case(_lookup(request, payload.number, payload.code))
    return lookup_out(request, case)


# --- the reviewer desk ------------------------------------------------------------------------


@router.get("/spaces/{slug}/cases", response={200: CaseList, **errors(401, 403, 404, 422)})
def list_cases(request: HttpRequest, slug: str, status: str | None = None, assignee: Int64 | None = None,
               overdue: bool | None = None, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc = require_reviewer(access_space(request.auth, slug, role=Role.GUEST))
    rows, next_cursor = queries.page_cases(acc, status=status, assignee=assignee, overdue=overdue, cursor=cursor, limit=limit)
    return {"items": [case_out(c, acc.space.slug) for c in rows], "next_cursor": next_cursor}


@router.get("/spaces/{slug}/cases/stats", response={200: StatsOut, **errors(401, 403, 404)})
def case_stats(request: HttpRequest, slug: str) -> dict[str, Any]:
    acc = require_reviewer(access_space(request.auth, slug, role=Role.GUEST))
    return queries.case_stats(acc)


@router.get("/cases/{number}", response={200: CaseOut, **errors(401, 404)})
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    _acc, case = access_case(request.auth, number)
    return case_out(case, case.space.slug, queries.list_timeline(case, public_only=False))


@router.post("/cases/{number}/transition", response={200: CaseOut, **errors(401, 403, 404, 409, 422)})
def transition(request: HttpRequest, number: str, payload: TransitionIn) -> dict[str, Any]:
    acc, case = access_case(request.auth, number)
    case = actions.do_transition_case(acc, case, to=payload.to, outcome=payload.outcome or "", note=payload.note or "")
    _acc, case = access_case(request.auth, number)
    return case_out(case, case.space.slug, queries.list_timeline(case, public_only=False))


@router.post("/cases/{number}/notes", response={201: CaseOut, **errors(401, 404, 422)})
def add_note(request: HttpRequest, number: str, payload: NoteIn) -> Status:
    acc, case = access_case(request.auth, number)
    actions.do_add_case_note(acc, case, body=payload.body, public=payload.public, attachment_ids=payload.attachment_ids)
    return Status(201, case_out(case, case.space.slug, queries.list_timeline(case, public_only=False)))


@router.post("/cases/{number}/assign", response={200: CaseOut, **errors(401, 404, 422)})
def assign(request: HttpRequest, number: str, payload: AssignIn) -> dict[str, Any]:
    acc, case = access_case(request.auth, number)
    actions.do_assign_case(acc, case, user_id=payload.user_id)
    _acc, case = access_case(request.auth, number)
    return case_out(case, case.space.slug, queries.list_timeline(case, public_only=False))
