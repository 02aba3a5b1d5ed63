"""Every write of moderation: reporting a thing, resolving its reports (dismiss, hide,
delete), showing a hidden thing again, and removing or banning its author from the space.

Hiding and deleting go through the owning app's own actions (``do_set_<thing>_hidden``,
``do_delete_<thing>``), so each app keeps its counters, search index and live events right.
Every decision is in the space's audit log; reporters are told the outcome.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core import audit, ratelimit
from plaza.core.errors import Conflict, Forbidden, Invalid, NotFound
from plaza.core.validation import check_text
from plaza.moderation.access import Thing, find_thing
from plaza.moderation.models import MAX_DETAILS, MAX_NOTE, Outcome, Reason, Report, ReportKind, ReportStatus
from plaza.notifications.actions import notify
from plaza.spaces.access import SpaceAccess
from plaza.spaces.models import Membership, Role

# Reports one person may file in an hour (a flood of reports is itself abuse).
REPORTS_PER_HOUR = 30


def check_kind(value: str | None) -> str:  # pages: the form's hidden field
    if value not in ReportKind.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(ReportKind.values)}, field="type")
    return value


def check_status(value: str | None) -> str:
    if value not in ReportStatus.values:
        raise Invalid(_("Choose open or resolved."), field="status")
    return value


def check_reason(value: str | None) -> str:
    if value not in Reason.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Reason.values)}, field="reason")
    return value


def check_outcome(value: str | None) -> str:
    if value not in Outcome.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Outcome.values)}, field="action")
    return value


@transaction.atomic
def do_report(acc: SpaceAccess, thing: Thing, *, reason: str, details: str = "") -> Report:
    """Report ``thing`` (which the caller sees: ``access.access_thing``) to its space's admins.

    Your own thing: 403. A second open report of the same thing by the same person: 409 (the
    first one stands; its reasons are in the queue). More than ``REPORTS_PER_HOUR``: 429.
    """
    user = acc.user
    reason = check_reason(reason)
    details = check_text(details, field="details", max_len=MAX_DETAILS)
    if user.pk in thing.owner_ids:
        raise Forbidden(_("You cannot report your own content."))
    if Report.objects.filter(reporter=user, kind=thing.kind, target_id=thing.obj.pk, status=ReportStatus.OPEN).exists():
        raise Conflict(_("You have already reported this; the moderators will look at it."))
    ratelimit.hit("report", str(user.pk), limit=REPORTS_PER_HOUR, window=3600)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                space_id=thing.space_id,
                kind=thing.kind,
                target_id=thing.obj.pk,
                author_id=thing.author_id,
                excerpt=thing.excerpt[:300],
                reporter=user,
                reason=reason,
                details=details,
            )
    except IntegrityError as exc:  # the same report sent twice at once
        raise Conflict(_("You have already reported this; the moderators will look at it.")) from exc
    space = report.space
    audit.record(
        space=space,
        actor=user,
        action="report.create",
        target=report,
        after={"type": thing.kind, "target_id": thing.obj.pk, "reason": reason},
    )
    admins = Membership.objects.filter(space_id__in=[space.pk, *space.ancestor_ids()], role__in=[Role.OWNER, Role.ADMIN])
    notify(
        recipients=list(admins.values_list("user_id", flat=True)),
        kind="report_new",
        actor=None,
        space=space,
        target_type="moderation_queue",
        target_id=space.pk,
        data={"type": thing.kind},
        batch=True,
    )
    return report


def _open_reports(acc: SpaceAccess, kind: str, target_id: int) -> list[Report]:
    return list(
        Report.objects.select_for_update().filter(space=acc.space, kind=kind, target_id=target_id, status=ReportStatus.OPEN)
    )


def _set_hidden(acc: SpaceAccess, thing: Thing, hidden: bool) -> None:
    """Hide or show ``thing`` through its own app's action."""
    obj = thing.obj
    if thing.kind == ReportKind.POST:
        from plaza.feed.actions import do_set_post_hidden

        do_set_post_hidden(acc, obj, hidden=hidden)
    elif thing.kind == ReportKind.COMMENT:
        from plaza.feed.actions import do_set_comment_hidden

        do_set_comment_hidden(acc, obj, hidden=hidden)
    elif thing.kind == ReportKind.BLOG:
        from plaza.blogs.actions import do_set_blog_hidden

        do_set_blog_hidden(acc, obj, hidden=hidden)
    elif thing.kind == ReportKind.MESSAGE:
        from plaza.chat.actions import do_set_message_hidden

        do_set_message_hidden(acc, obj, hidden=hidden)
    elif thing.kind == ReportKind.PRODUCT:
        from plaza.showcase.actions import do_set_product_hidden

        do_set_product_hidden(acc, obj, hidden=hidden)
    elif thing.kind == ReportKind.EVENT:
        from plaza.events.actions import do_set_event_hidden

        do_set_event_hidden(acc, obj, hidden=hidden)
    elif thing.kind == ReportKind.POLL:
        from plaza.polls.actions import do_set_poll_hidden

        do_set_poll_hidden(acc, obj, hidden=hidden)


def _delete(acc: SpaceAccess, thing: Thing) -> None:
    """Delete ``thing`` through its own app's action (an event is cancelled, which tells its
    attendees, and hidden: events are not deleted in Plaza)."""
    obj = thing.obj
    if thing.kind == ReportKind.POST:
        from plaza.feed.actions import do_delete_post

        do_delete_post(acc, obj)
    elif thing.kind == ReportKind.COMMENT:
        from plaza.feed.actions import do_delete_comment

        do_delete_comment(acc, obj)
    elif thing.kind == ReportKind.BLOG:
        from plaza.blogs.actions import do_delete_blog

        do_delete_blog(acc, obj)
    elif thing.kind == ReportKind.MESSAGE:
        from plaza.chat.actions import do_delete_message

        do_delete_message(acc, obj.group, obj)
    elif thing.kind == ReportKind.PRODUCT:
        from plaza.showcase.actions import do_delete_product

        do_delete_product(acc, obj)
    elif thing.kind == ReportKind.EVENT:
        from plaza.events.actions import do_cancel_event
        from plaza.events.models import EventState

        if obj.state != EventState.CANCELLED:
            do_cancel_event(acc, obj)
        _set_hidden(acc, thing, True)
    elif thing.kind == ReportKind.POLL:
        from plaza.polls.actions import do_delete_poll

        do_delete_poll(acc, obj)


@transaction.atomic
def do_resolve_report(acc: SpaceAccess, report: Report, *, action: str, note: str = "") -> list[Report]:
    """Decide the queue entry of ``report``'s thing (admins): every open report of the thing
    is resolved with ``action`` — ``dismiss`` (nothing wrong), ``hide`` (gone for everyone
    but the space's admins and its author) or ``delete``. Already resolved: 409."""
    if not acc.is_admin:
        raise Forbidden()
    action = check_outcome(action)
    note = check_text(note, field="note", max_len=MAX_NOTE)
    reports = _open_reports(acc, report.kind, report.target_id)
    if not reports:
        raise Conflict(_("These reports were already resolved."))
    thing = find_thing(acc.space.pk, report.kind, report.target_id)
    if thing is None and action != Outcome.DISMISS:
        action = Outcome.DELETE  # gone already: deleted by its author or another admin
    elif action == Outcome.HIDE and thing is not None:
        _set_hidden(acc, thing, True)
        audit.record(
            space=acc.space,
            actor=acc.user,
            action="moderation.hide",
            target=thing.obj,
            before={"type": report.kind, "author": thing.author_id, "excerpt": thing.excerpt},
        )
    elif action == Outcome.DELETE and thing is not None:
        _delete(acc, thing)
        audit.record(
            space=acc.space,
            actor=acc.user,
            action="moderation.delete",
            target=thing.obj,
            before={"type": report.kind, "author": thing.author_id, "excerpt": thing.excerpt},
        )
    now = timezone.now()
    ids = [r.pk for r in reports]
    Report.objects.filter(pk__in=ids).update(
        status=ReportStatus.RESOLVED, outcome=action, note=note, resolved_at=now, resolved_by=acc.user
    )
    audit.record(
        space=acc.space,
        actor=acc.user,
        action="report.resolve",
        target=report,
        after={"type": report.kind, "target_id": report.target_id, "action": action, "reports": ids, "note": note},
    )
    notify(
        recipients=sorted({r.reporter_id for r in reports}),
        kind="report_outcome",
        actor=None,
        space=acc.space,
        data={"type": report.kind, "outcome": action, "excerpt": report.excerpt[:80]},
    )
    for r in reports:
        r.status, r.outcome, r.note, r.resolved_at, r.resolved_by = ReportStatus.RESOLVED, action, note, now, acc.user
    return reports


@transaction.atomic
def do_unhide(acc: SpaceAccess, report: Report) -> None:
    """Show the hidden thing of ``report`` again (admins)."""
    if not acc.is_admin:
        raise Forbidden()
    thing = find_thing(acc.space.pk, report.kind, report.target_id)
    if thing is None:
        raise NotFound()
    if not thing.hidden:
        raise Conflict(_("It is not hidden."))
    _set_hidden(acc, thing, False)
    audit.record(
        space=acc.space,
        actor=acc.user,
        action="moderation.unhide",
        target=thing.obj,
        after={"type": report.kind, "author": thing.author_id},
    )


@transaction.atomic
def do_remove_author(acc: SpaceAccess, report: Report) -> None:
    """Remove the author of ``report``'s thing from the space (admins; audited by ``spaces``)."""
    from plaza.spaces.actions import do_remove_member

    if not acc.is_admin:
        raise Forbidden()
    membership = None
    if report.author_id is not None:
        membership = Membership.objects.select_related("user").filter(space=acc.space, user_id=report.author_id).first()
    if membership is None:
        raise Conflict(_("The author is not a member of this space."))
    do_remove_member(acc, membership)


@transaction.atomic
def do_ban_author(acc: SpaceAccess, report: Report, *, reason: str = "") -> Any:
    """Ban the author of ``report``'s thing from the space (admins; audited by ``spaces``)."""
    from plaza.spaces.actions import do_ban_member

    if report.author_id is None:
        raise Conflict(_("The author is not known."))
    return do_ban_member(acc, report.author_id, reason=reason)
