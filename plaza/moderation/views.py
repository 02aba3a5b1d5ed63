"""Pages of moderation: the report form on each reportable thing, a space's moderation
queue (admins) and its list of banned people. Each view reaches the thing or the space
through ``access_*``, calls one action or query and renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from plaza.core.errors import Conflict, Invalid
from plaza.core.pages import page_errors, parse_int, render_page, require_login, space_context
from plaza.moderation import actions, queries
from plaza.moderation.access import access_report, access_thing
from plaza.moderation.models import Outcome, Reason, ReportKind, ReportStatus
from plaza.spaces.access import SpaceAccess, access_space
from plaza.spaces.actions import do_unban_member
from plaza.spaces.models import Role


@page_errors
def report_form(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """The "Report" page of a thing the person can see (404 otherwise)."""
    require_login(request)
    if kind not in ReportKind.values:
        return render_page(request, "404.html", {}, status=404)
    acc, thing = access_thing(request.user, kind, target_id)
    error = ""
    reason = request.POST.get("reason", "")
    details = request.POST.get("details", "")
    if request.method == "POST":
        try:
            actions.do_report(acc, thing, reason=reason, details=details)
        except (Invalid, Conflict) as exc:
            error = exc.message()
        else:
            messages.success(request, _("Thank you. The moderators of %(space)s will look at it.") % {"space": acc.space.name})
            back = thing.url if not thing.hidden else "/"
            return redirect(back)
    context = {
        "acc": acc,
        "space": acc.space,
        "thing": thing,
        "kind_label": ReportKind(kind).label,
        "reasons": Reason.choices,
        "reason": reason,
        "details": details,
        "error": error,
        "own": request.user.pk in thing.owner_ids,
    }
    return render_page(request, "moderation/report_form.html", context, status=422 if error else 200)


@page_errors
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The space's moderation queue (admins): open or resolved entries, one per thing."""
    acc = access_space(request.user, slug, role=Role.ADMIN)
    if request.method == "POST":
        return _decide(request, acc)
    status = request.GET.get("status") or ReportStatus.OPEN
    actions.check_status(status)
    context = space_context(
        acc,
        "moderation",
        entries=queries.list_queue(acc, status=status),
        status=status,
        open_count=queries.count_open_entries(acc),
        outcomes=Outcome.choices,
        reasons=dict(Reason.choices),
    )
    return render_page(request, "moderation/queue.html", context)


def _decide(request: HttpRequest, acc: SpaceAccess) -> HttpResponse:
    report_acc, report = access_report(request.user, parse_int(request.POST.get("report_id"), "report_id"))
    if report.space_id != acc.space.pk:
        return redirect("moderation_queue", acc.space.slug)
    what = request.POST.get("action", "")
    if what in Outcome.values:
        actions.do_resolve_report(report_acc, report, action=what, note=request.POST.get("note", ""))
        messages.success(
            request,
            {
                Outcome.DISMISS: _("The reports were dismissed."),
                Outcome.HIDE: _("It is hidden now: only the space's admins and its author see it."),
                Outcome.DELETE: _("It was deleted."),
            }[Outcome(what)],
        )
    elif what == "unhide":
        actions.do_unhide(report_acc, report)
        messages.success(request, _("It is shown again."))
    elif what == "remove_author":
        actions.do_remove_author(report_acc, report)
        messages.success(request, _("The author was removed from the space."))
    elif what == "ban_author":
        actions.do_ban_author(report_acc, report, reason=request.POST.get("reason", ""))
        messages.success(request, _("The author is banned from the space."))
    else:
        raise Invalid(_("Choose a valid entry."), field="action")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("moderation_queue", acc.space.slug)


@page_errors
def banned(request: HttpRequest, slug: str) -> HttpResponse:
    """The people banned from the space, each with "Lift the ban" (admins)."""
    acc = access_space(request.user, slug, role=Role.ADMIN)
    if request.method == "POST":
        ban = queries.get_ban(acc, parse_int(request.POST.get("ban_id"), "ban_id"))
        if ban is not None:
            do_unban_member(acc, ban)
            messages.success(request, _("The ban on %(name)s was lifted.") % {"name": ban.user.name})
        return redirect("moderation_banned", slug)
    return render_page(request, "moderation/banned.html", space_context(acc, "moderation", bans=queries.list_bans(acc)))
