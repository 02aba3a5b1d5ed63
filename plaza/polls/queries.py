"""Reads of polls: a page of a space's polls with options and the caller's own votes."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from plaza.core.pagination import keyset_page
from plaza.polls.models import Ballot, Poll, PollOption, Vote, Voter
from plaza.spaces.access import SpaceAccess, scope_q, unhidden_q


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def attach_my_votes(user: Any, polls: list[Poll]) -> None:
    """Set ``poll.voted`` and ``poll.my_choices`` (None for secret ballots): two queries."""
    ids = [p.pk for p in polls]
    voted: set[int] = set()
    mine: dict[int, list[int]] = {}
    if _authenticated(user) and ids:
        voted = set(Voter.objects.filter(user=user, poll_id__in=ids).values_list("poll_id", flat=True))
        for poll_id, option_id in Vote.objects.filter(user=user, poll_id__in=ids).values_list("poll_id", "option_id"):
            mine.setdefault(poll_id, []).append(option_id)
    for p in polls:
        p.voted = p.pk in voted  # type: ignore[attr-defined]
        p.my_choices = None if p.ballot == Ballot.SECRET else sorted(mine.get(p.pk, []))  # type: ignore[attr-defined]


def _with_options() -> Prefetch:
    return Prefetch("options", queryset=PollOption.objects.order_by("position", "pk"))


def page_polls(acc: SpaceAccess, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Poll], str | None]:
    qs = Poll.objects.filter(scope_q(acc), unhidden_q(acc)).select_related("author", "team").prefetch_related(_with_options())
    rows, next_cursor = keyset_page(qs, cursor=cursor, limit=limit)
    attach_my_votes(acc.user, rows)
    return rows, next_cursor


def get_poll_detail(acc: SpaceAccess, poll: Poll) -> Poll:
    """``poll`` with its options and the caller's votes attached."""
    poll = Poll.objects.select_related("author", "team", "space").prefetch_related(_with_options()).get(pk=poll.pk)
    attach_my_votes(acc.user, [poll])
    return poll


def page_voters(poll: Poll, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Voter], str | None]:
    return keyset_page(Voter.objects.filter(space_id=poll.space_id, poll=poll).select_related("user"), cursor=cursor, limit=limit)
