"""Pages of Dudu calls: start one (from a group or with chosen people) and the call itself.

The call page holds no media logic on the server: ``calls/call.js`` joins through the API,
takes the microphone and connects one RTCPeerConnection per other participant, signalling
over the page socket.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plaza.calls import actions
from plaza.calls.access import access_call
from plaza.calls.models import MAX_PARTICIPANTS
from plaza.calls.queries import list_participants
from plaza.chat.access import access_group_by_id
from plaza.core.pages import page_errors, parse_int, require_login, space_context
from plaza.spaces.access import access_space


@require_POST
@page_errors
def call_group(request: HttpRequest, group_id: int) -> HttpResponse:
    require_login(request)
    acc, group, member = access_group_by_id(request.user, group_id)
    call = actions.do_start_call(acc, participant_ids=[], group=group, member=member)
    return redirect("call", call.pk)


@require_POST
@page_errors
def call_people(request: HttpRequest, slug: str) -> HttpResponse:
    require_login(request)
    acc = access_space(request.user, slug)
    ids = [parse_int(v, "participant_ids") for v in request.POST.getlist("participant_ids")]
    call = actions.do_start_call(acc, participant_ids=ids)
    return redirect("call", call.pk)


@page_errors
def call(request: HttpRequest, call_id: int) -> HttpResponse:
    require_login(request)
    acc, call, participant = access_call(request.user, call_id)
    context = space_context(
        acc, "groups", call=call, participant=participant, participants=list(list_participants(call)),
        ice_servers=json.dumps(actions.ice_servers()), max_participants=MAX_PARTICIPANTS,
    )
    return render(request, "calls/call.html", context)
