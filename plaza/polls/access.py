"""Who may see, vote in and close polls. Missing and forbidden look the same: 404.

A poll is seen like a post: space-wide polls by the space's full members (and by anyone in a
public space), team polls by those who see the team. Voting needs a membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.feed.access import can_post_in
from plaza.polls.models import Ballot, Poll, Results
from plaza.spaces.access import (
    SpaceAccess,
    access_row,
    can_see_hidden,
    can_see_scoped,
    list_people_who_see,
    unhidden_visible_q,
    visible_q,
)
from plaza.spaces.models import TeamMembership

__all__ = ["can_post_in", "list_people_who_see"]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_see_poll(acc: SpaceAccess, poll: Poll) -> bool:
    """A poll is seen like a post (``spaces.access.can_see_scoped``)."""
    if poll.space_id != acc.space.pk or not can_see_hidden(acc, poll.hidden_at, poll.author_id):
        return False
    tm = None
    if poll.team_id is not None and _authenticated(acc.user) and acc.role:
        tm = TeamMembership.objects.filter(team_id=poll.team_id, user=acc.user).first()
    return can_see_scoped(acc, poll.team if poll.team_id is not None else None, tm)


def access_poll(user: Any, poll_id: int, *, for_vote: bool = False, for_close: bool = False) -> tuple[SpaceAccess, Poll]:
    """The poll and the caller's access to its space. Voting needs a membership (or a parent
    admin); closing needs the author or an admin."""
    acc, poll = access_row(user, Poll.objects.select_related("team", "author").filter(pk=poll_id), can_see=can_see_poll)
    if (for_vote or for_close) and not _authenticated(user):
        raise NotAuthenticated()
    if for_vote and acc.role is None:
        raise Forbidden()
    if for_close and not (acc.is_admin or poll.author_id == user.pk):
        raise Forbidden()
    return acc, poll


def results_visible(poll: Poll, *, voted: bool) -> bool:
    if poll.results == Results.ALWAYS:
        return True
    if poll.results == Results.AFTER_VOTE:
        return voted or poll.closed
    return poll.closed


def voters_visible(poll: Poll) -> bool:
    return poll.ballot == Ballot.OPEN


def list_visible_poll_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the polls ``user`` may see now (one query): the notification target."""
    ids = list(ids)
    if not ids:
        return set()
    return set(Poll.objects.filter(pk__in=ids).filter(visible_q(user) & unhidden_visible_q(user)).values_list("pk", flat=True))


def option_image_url(option: Any) -> str | None:
    """Where an option's image (an upload claimed for its poll) is downloaded."""
    return reverse("attachment", args=[option.image_id]) if option.image_id else None


def poll_upload_visible(user: Any, poll_id: int) -> bool:
    """Uploads claimed for a poll (option images) are seen by whoever may see the poll."""
    try:
        access_poll(user, poll_id)
    except NotFound:
        return False
    return True
