"""Every write about polls. Each ``do_*`` runs in one transaction.

Secret ballots: ``do_vote`` writes a ``Voter`` row and ``F()`` increments of the chosen
options' tallies, and nothing else — no per-choice row, no log line, no audit entry, no
notification that names a choice. Every status change goes through :func:`transition_poll`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, When
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core import audit
from plaza.core.errors import Conflict, Forbidden, Invalid
from plaza.core.validation import check_datetime
from plaza.feed.access import can_post_in
from plaza.notifications.actions import notify
from plaza.polls.models import GRAPH, MAX_OPTIONS, Ballot, Poll, PollOption, PollStatus, Results, Vote, Voter
from plaza.search import actions as search
from plaza.spaces.access import SpaceAccess, can_see_team
from plaza.spaces.actions import check_text
from plaza.spaces.models import Team, TeamMembership
from plaza.uploads.actions import claim_uploads, release_uploads
from plaza.webhooks import actions as webhooks

UPLOAD_KIND = "poll"  # option images, claimed for their poll
POLL_FIELDS = ["question", "max_choices", "closes_at", "ballot", "results", "team", "status"]


def check_team(acc: SpaceAccess, team_id: int | None) -> Team | None:
    """Space-wide polls by full members; team polls by the team's members (or admins)."""
    if team_id is None:
        if not can_post_in(acc, None, None):
            raise Forbidden(_("Guests create polls only in their teams."))
        return None
    team = Team.objects.filter(space=acc.space, pk=team_id).first()
    tm = TeamMembership.objects.filter(team=team, user=acc.user).first() if team is not None else None
    if team is None or not can_see_team(acc, team, tm):
        raise Invalid(_("No such team."), field="team_id")
    if not can_post_in(acc, team, tm):
        raise Forbidden(_("Join the team to create polls in it."))
    return team


def check_options(options: Any) -> list[dict[str, Any]]:
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
        raise Invalid(_("Give 2 to %(n)d options.") % {"n": MAX_OPTIONS}, field="options")
    out = []
    for i, opt in enumerate(options):
        text = check_text(str(opt.get("text", "")), f"options.{i}.text", max_len=200)
        image_id = opt.get("image_id")
        if image_id is not None and (isinstance(image_id, bool) or not isinstance(image_id, int) or image_id < 1):
            raise Invalid(_("Give the id of an uploaded image."), field=f"options.{i}.image_id")
        out.append({"text": text, "image_id": image_id})
    if len({o["text"] for o in out}) != len(out):
        raise Invalid(_("Options must differ."), field="options")
    return out


@transaction.atomic
def do_create_poll(
    acc: SpaceAccess,
    *,
    question: str,
    options: Any,
    max_choices: int = 1,
    closes_at: datetime | None = None,
    ballot: str = Ballot.OPEN,
    results: str = Results.ALWAYS,
    team_id: int | None = None,
) -> Poll:
    if not getattr(acc.user, "is_authenticated", False):
        raise Forbidden()
    team = check_team(acc, team_id)
    question = check_text(question, "question", max_len=300)
    opts = check_options(options)
    if ballot not in Ballot.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Ballot.values)}, field="ballot")
    if results not in Results.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Results.values)}, field="results")
    if not 1 <= max_choices <= len(opts):
        raise Invalid(_("Between 1 and the number of options."), field="max_choices")
    check_datetime(closes_at, field="closes_at")
    if closes_at is not None and timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    if closes_at is not None and closes_at <= timezone.now():
        raise Invalid(_("The deadline must be in the future."), field="closes_at")
    poll = Poll.objects.create(space=acc.space, team=team, author=acc.user, question=question, max_choices=max_choices,
                               closes_at=closes_at, ballot=ballot, results=results)
    PollOption.objects.bulk_create(
        [PollOption(space=acc.space, poll=poll, position=i, text=o["text"], image_id=o["image_id"]) for i, o in enumerate(opts)]
    )
    for i, o in enumerate(opts):
        if o["image_id"] is not None:
            claim_uploads(acc.user, [o["image_id"]], kind=UPLOAD_KIND, obj_id=poll.pk, field=f"options.{i}.image_id",
                          images_only=True, max_count=1)
    audit.record(space=acc.space, actor=acc.user, action="poll.create", target=poll, after=audit.snapshot(poll, POLL_FIELDS))
    search.index_poll(poll, [o["text"] for o in opts], new=True)
    return poll


def _check_choice(poll: Poll, option_ids: Any) -> list[int]:
    ids = list(dict.fromkeys(option_ids or []))
    if not ids or len(ids) > poll.max_choices:
        raise Invalid(_("Choose 1 to %(n)d options.") % {"n": poll.max_choices}, field="option_ids")
    valid = set(PollOption.objects.filter(poll=poll, pk__in=ids).values_list("pk", flat=True))
    if valid != set(ids):
        raise Invalid(_("Choose options of this poll."), field="option_ids")
    return ids


@transaction.atomic
def do_vote(acc: SpaceAccess, poll: Poll, *, option_ids: list[int]) -> list[int] | None:
    """Cast (or, for open and anonymous ballots, change) the caller's vote.

    Returns the caller's choices, or None for a secret ballot, whose choice is not kept.
    Concurrent voters never lose a count: tallies move with ``F()`` in the database.
    """
    # Lock the poll first: a concurrent close waits for this vote (or this vote sees it), and
    # voters take their locks in one order, so PostgreSQL never deadlocks on the tallies.
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.closed:
        raise Conflict(_("This poll is closed."))
    ids = _check_choice(poll, option_ids)
    user = acc.user
    if poll.ballot == Ballot.SECRET:
        try:
            with transaction.atomic():
                Voter.objects.create(space_id=poll.space_id, poll=poll, user=user)
        except IntegrityError as exc:
            raise Conflict(_("You have already voted in this secret ballot.")) from exc
        # Every option row is rewritten, chosen or not, so row metadata (PostgreSQL's xmin,
        # shared with the Voter row) cannot tell which options this voter chose.
        PollOption.objects.filter(poll=poll).update(votes=F("votes") + Case(When(pk__in=ids, then=1), default=0))
        Poll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") + 1)
        return None
    try:
        with transaction.atomic():
            Voter.objects.create(space_id=poll.space_id, poll=poll, user=user)
        first = True
    except IntegrityError:
        first = False
    if not first:
        # Lock this voter's row so two changes by the same person do not interleave.
        Voter.objects.select_for_update().filter(poll=poll, user=user).first()
        old = set(Vote.objects.filter(poll=poll, user=user).values_list("option_id", flat=True))
        if old == set(ids):
            return ids
        Vote.objects.filter(poll=poll, user=user).delete()
        PollOption.objects.filter(poll=poll, pk__in=old).update(votes=F("votes") - 1)
    else:
        Poll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") + 1)
    Vote.objects.bulk_create([Vote(space_id=poll.space_id, poll=poll, option_id=i, user=user) for i in ids])
    PollOption.objects.filter(poll=poll, pk__in=ids).update(votes=F("votes") + 1)
    return ids


def transition_poll(poll: Poll, to: str, *, actor: Any = None) -> Poll:
    """The only place a poll's status changes, checked against ``models.GRAPH``; 409 otherwise.

    Closing tells every voter the results (the tally only, never who chose what).
    Call inside a transaction.
    """
    if to not in GRAPH[poll.status]:
        raise Conflict(_("This poll is closed."))
    poll.status = to
    if to == PollStatus.CLOSED:
        poll.closed_at = timezone.now()
    poll.save(update_fields=["status", "closed_at"])
    if to == PollStatus.CLOSED:
        options = list(PollOption.objects.filter(poll=poll).values_list("text", "votes"))
        summary = ", ".join(f"{text}: {votes}" for text, votes in options)
        notify(
            recipients=list(Voter.objects.filter(poll=poll).values_list("user_id", flat=True)), kind="poll_closed",
            actor=actor, space=poll.space, team_id=poll.team_id, target_type="poll", target_id=poll.pk,
            data={"question": poll.question, "results": summary},
        )
        webhooks.emit(poll.space, "poll.closed", {"id": poll.pk, "question": poll.question, "team_id": poll.team_id, "results": [{"text": t, "votes": v} for t, v in options]})
    return poll


@transaction.atomic
def do_close_poll(acc: SpaceAccess, poll: Poll) -> Poll:
    """Close early (author or admin, checked by ``access_poll``); 409 when already closed."""
    locked = Poll.objects.select_for_update().select_related("space").get(pk=poll.pk)
    transition_poll(locked, PollStatus.CLOSED, actor=acc.user)
    audit.record(space=acc.space, actor=acc.user, action="poll.close", target=locked)
    return locked


def do_close_due_polls() -> int:
    """The scheduled sweep: close open polls past their deadline, each in its own transaction."""
    due = list(Poll.objects.filter(status=PollStatus.OPEN, closes_at__lte=timezone.now()).values_list("pk", flat=True))
    for pk in due:
        with transaction.atomic():
            poll = Poll.objects.select_for_update().select_related("space").filter(pk=pk, status=PollStatus.OPEN).first()
            if poll is not None:
                transition_poll(poll, PollStatus.CLOSED)
    return len(due)


@transaction.atomic
def do_delete_poll(acc: SpaceAccess, poll: Poll) -> None:
    """Delete the poll with its options, voters and votes (author or admin, checked by
    ``access_poll(..., for_close=True)``). Its option images are released: nobody downloads
    them any more, and the hourly purge deletes the files. The audit entry keeps the question
    and the tally, never who voted how."""
    locked = Poll.objects.select_for_update().select_related("space").get(pk=poll.pk)
    before = audit.snapshot(locked, POLL_FIELDS)
    before["tally"] = {text: votes for text, votes in PollOption.objects.filter(poll=locked).values_list("text", "votes")}
    audit.record(space=locked.space, actor=acc.user, action="poll.delete", target=locked, before=before)
    release_uploads(kind=UPLOAD_KIND, obj_id=locked.pk)
    search.unindex(search.Kind.POLL, locked.pk)
    locked.delete()


@transaction.atomic
def do_set_poll_hidden(acc: SpaceAccess, poll: Poll, *, hidden: bool) -> None:
    """Hide the poll for moderation (space admins), or show it again: hidden, it is gone for
    everyone but the space's admins and its author (``spaces.access.unhidden_*``)."""
    if not acc.is_admin:
        raise Forbidden()
    if (poll.hidden_at is not None) == hidden:
        return
    poll.hidden_at = timezone.now() if hidden else None
    Poll.objects.filter(pk=poll.pk).update(hidden_at=poll.hidden_at)
