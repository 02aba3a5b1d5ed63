"""Dudu calls API (API.md, calls). Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from plaza.calls import actions
from plaza.calls.access import access_call
from plaza.calls.schemas import CallIn, CallOut
from plaza.chat.access import access_group_by_id
from plaza.core.schemas import errors
from plaza.spaces.access import access_space

router = Router(tags=["calls"])


@router.post("/groups/{int:group_id}/calls", response={201: CallOut, **errors(401, 403, 404, 422)})
def call_group(request: HttpRequest, group_id: int, payload: CallIn) -> Status:
    acc, group, member = access_group_by_id(request.auth, group_id)
    call = actions.do_start_call(acc, participant_ids=payload.participant_ids, group=group, member=member)
    return Status(201, actions.call_json(call))


@router.post("/spaces/{slug}/calls", response={201: CallOut, **errors(401, 403, 404, 422)})
def call_people(request: HttpRequest, slug: str, payload: CallIn) -> Status:
    acc = access_space(request.auth, slug)
    call = actions.do_start_call(acc, participant_ids=payload.participant_ids)
    return Status(201, actions.call_json(call))


@router.get("/calls/{int:call_id}", response={200: CallOut, **errors(401, 404)})
def get_call(request: HttpRequest, call_id: int) -> dict[str, Any]:
    _acc, call, _participant = access_call(request.auth, call_id)
    return actions.call_json(call)


@router.post("/calls/{int:call_id}/join", response={200: CallOut, **errors(401, 404, 409)})
def join_call(request: HttpRequest, call_id: int) -> dict[str, Any]:
    acc, call, participant = access_call(request.auth, call_id)
    return actions.call_json(actions.do_join_call(acc, call, participant))


@router.post("/calls/{int:call_id}/leave", response={200: CallOut, **errors(401, 404)})
def leave_call(request: HttpRequest, call_id: int) -> dict[str, Any]:
    acc, call, participant = access_call(request.auth, call_id)
    return actions.call_json(actions.do_leave_call(acc, call, participant))
