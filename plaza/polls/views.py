"""Pages of polls: a space's polls with the create form, and one poll to vote in and see
its results. Each view parses input, reaches polls through ``access_*``, calls one action
or query and renders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.errors import Invalid
from plaza.core.pages import page_errors, parse_int, require_login
from plaza.polls import actions, queries
from plaza.polls.access import access_poll, option_image_url, results_visible, voters_visible
from plaza.polls.models import Ballot, Results
from plaza.spaces.access import access_space


def _closes_at(raw: str) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid(_("Enter a valid date and time."), field="closes_at") from exc
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@page_errors
def poll_list(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug)
    if request.method == "POST":
        require_login(request)
        team = request.POST.get("team_id") or None
        poll = actions.do_create_poll(
            acc, question=request.POST.get("question", ""),
            options=[{"text": t.strip()} for t in request.POST.get("options", "").splitlines() if t.strip()],
            max_choices=parse_int(request.POST.get("max_choices") or 1, "max_choices"),
            closes_at=_closes_at(request.POST.get("closes_at", "")), ballot=request.POST.get("ballot", Ballot.OPEN),
            results=request.POST.get("results", Results.ALWAYS), team_id=parse_int(team, "team_id") if team else None,
        )
        messages.success(request, _("The poll was created."))
        return redirect("poll_detail", poll_id=poll.pk)
    rows, next_cursor = queries.page_polls(acc, cursor=request.GET.get("cursor") or None)
    return render(request, "polls/poll_list.html", {
        "acc": acc, "space": acc.space, "tab": "polls", "polls": rows, "next_cursor": next_cursor,
        "ballots": Ballot.choices, "results_choices": Results.choices,
        "can_create": request.user.is_authenticated and (acc.is_member or acc.is_admin),
    })


def _options(poll: Any) -> list[dict[str, Any]]:
    show = results_visible(poll, voted=poll.voted)
    total = sum(o.votes for o in poll.options.all()) or 1
    return [{"id": o.pk, "text": o.text, "votes": o.votes if show else None, "percent": round(100 * o.votes / total) if show else 0,
             "image_url": option_image_url(o), "mine": poll.my_choices is not None and o.pk in poll.my_choices} for o in poll.options.all()]


@page_errors
def poll_detail(request: HttpRequest, poll_id: int) -> HttpResponse:
    acc, poll = access_poll(request.user, poll_id)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            acc, poll = access_poll(request.user, poll_id, for_close=True)
            if not request.POST.get("confirm"):
                raise Invalid(_("Tick the box to confirm."), field="confirm")
            actions.do_delete_poll(acc, poll)
            messages.success(request, _("The poll was deleted."))
            return redirect("poll_list", slug=acc.space.slug)
        if request.POST.get("action") == "close":
            acc, poll = access_poll(request.user, poll_id, for_close=True)
            actions.do_close_poll(acc, poll)
        else:
            acc, poll = access_poll(request.user, poll_id, for_vote=True)
            ids = [parse_int(v, "option_ids") for v in request.POST.getlist("option_ids")]
            actions.do_vote(acc, poll, option_ids=ids)
            messages.success(request, _("Your vote was counted."))
        return redirect("poll_detail", poll_id=poll_id)
    poll = queries.get_poll_detail(acc, poll)
    can_vote = (not poll.closed and request.user.is_authenticated and acc.role is not None
                and not (poll.ballot == Ballot.SECRET and poll.voted))
    can_manage = request.user.is_authenticated and (acc.is_admin or poll.author_id == request.user.pk)
    voters = queries.page_voters(poll, limit=100)[0] if voters_visible(poll) else []
    return render(request, "polls/poll_detail.html", {
        "acc": acc, "space": acc.space, "tab": "polls", "poll": poll, "options": _options(poll),
        "show_results": results_visible(poll, voted=poll.voted), "can_vote": can_vote, "voters": voters,
        "can_close": not poll.closed and can_manage, "can_delete": can_manage,
    })
