"""Polls API. Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from plaza.core.auth import optional
from plaza.core.errors import Forbidden
from plaza.core.middleware import keep_no_idempotency_record
from plaza.core.schemas import errors
from plaza.polls import actions, queries
from plaza.polls.access import access_poll, option_image_url, results_visible, voters_visible
from plaza.polls.models import Ballot, Poll
from plaza.polls.schemas import PollIn, PollList, PollOut, VoteIn, VoterList
from plaza.spaces.access import access_space
from plaza.spaces.models import Role

router = Router(tags=["polls"])


def poll_out(p: Poll, slug: str) -> dict[str, Any]:
    show = results_visible(p, voted=getattr(p, "voted", False))
    return {
        "id": p.pk, "space": slug, "team_id": p.team_id, "author": p.author, "question": p.question,
        "max_choices": p.max_choices, "closes_at": p.closes_at, "ballot": p.ballot, "results": p.results,
        "closed": p.closed, "results_visible": show, "voter_count": p.voter_count if show else None,
        "voted": getattr(p, "voted", False), "my_choices": getattr(p, "my_choices", None),
        "options": [{"id": o.pk, "text": o.text, "image_id": o.image_id, "image_url": option_image_url(o), "votes": o.votes if show else None}
                    for o in p.options.all()],
        "created_at": p.created,
    }


@router.post("/spaces/{slug}/polls", response={201: PollOut, **errors(401, 403, 404, 422)})
def create_poll(request: HttpRequest, slug: str, payload: PollIn) -> Status:
    acc = access_space(request.auth, slug, role=Role.GUEST)
    poll = actions.do_create_poll(
        acc, question=payload.question, options=[o.dict() for o in payload.options], max_choices=payload.max_choices,
        closes_at=payload.closes_at, ballot=payload.ballot, results=payload.results, team_id=payload.team_id,
    )
    return Status(201, poll_out(queries.get_poll_detail(acc, poll), slug))


@router.get("/spaces/{slug}/polls", auth=optional, response={200: PollList, **errors(404, 422)})
def list_polls(request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc = access_space(request.auth, slug)
    rows, next_cursor = queries.page_polls(acc, cursor=cursor, limit=limit)
    return {"items": [poll_out(p, slug) for p in rows], "next_cursor": next_cursor}


@router.get("/polls/{int:poll_id}", auth=optional, response={200: PollOut, **errors(404)})
def get_poll(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    acc, poll = access_poll(request.auth, poll_id)
    return poll_out(queries.get_poll_detail(acc, poll), acc.space.slug)


@router.post("/polls/{int:poll_id}/votes", response={200: PollOut, **errors(401, 403, 404, 409, 422)})
def vote(request: HttpRequest, poll_id: int, payload: VoteIn) -> dict[str, Any]:
    acc, poll = access_poll(request.auth, poll_id, for_vote=True)
    if poll.ballot == Ballot.SECRET:
        keep_no_idempotency_record(request)  # its body hash would tell the choice
    actions.do_vote(acc, poll, option_ids=payload.option_ids)
    return poll_out(queries.get_poll_detail(acc, poll), acc.space.slug)


@router.post("/polls/{int:poll_id}/close", response={200: PollOut, **errors(401, 403, 404, 409)})
def close(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    acc, poll = access_poll(request.auth, poll_id, for_close=True)
    actions.do_close_poll(acc, poll)
    return poll_out(queries.get_poll_detail(acc, poll), acc.space.slug)


@router.delete("/polls/{int:poll_id}", response={204: None, **errors(401, 403, 404)})
def delete_poll(request: HttpRequest, poll_id: int) -> Status:
    """The author or an admin deletes the poll; its option images are released."""
    acc, poll = access_poll(request.auth, poll_id, for_close=True)
    actions.do_delete_poll(acc, poll)
    return Status(204, None)


@router.get("/polls/{int:poll_id}/voters", auth=optional, response={200: VoterList, **errors(403, 404, 422)})
def voters(request: HttpRequest, poll_id: int, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    _acc, poll = access_poll(request.auth, poll_id)
    if not voters_visible(poll):
        raise Forbidden(_("Voters are shown for open ballots only."))
    rows, next_cursor = queries.page_voters(poll, cursor=cursor, limit=limit)
    return {"items": [{"user": v.user, "voted_at": v.created} for v in rows], "next_cursor": next_cursor}
