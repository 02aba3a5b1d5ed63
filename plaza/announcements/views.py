"""Pages of announcements: the list of a space, the composer (admins), one announcement —
opening it marks it read; admins see its receipts, remind, edit and recall it.

Each view parses input, reaches announcements through ``access_space``/
``access_announcement``, calls one action or query and renders the page.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.announcements import actions, queries
from plaza.announcements.access import access_announcement
from plaza.announcements.models import MAX_BODY, MAX_TITLE, Announcement, AnnouncementStatus
from plaza.core.errors import Forbidden, Invalid
from plaza.core.pages import page_errors, parse_ints, render_page, require_login, space_context
from plaza.spaces.access import SpaceAccess, access_space
from plaza.spaces.queries import list_teams


def _parse_datetime(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Enter a valid date and time."), field=field) from exc
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@page_errors
def announcement_list(request: HttpRequest, slug: str) -> HttpResponse:
    require_login(request)
    acc = access_space(request.user, slug)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_space_announcements(acc, cursor=cursor)
    context = space_context(acc, "announcements", announcements=rows, next_cursor=next_cursor, now=timezone.now())
    return render_page(request, "announcements/announcement_list.html", context, partial="items" if cursor else None)


@page_errors
def announcement_new(request: HttpRequest, slug: str) -> HttpResponse:
    require_login(request)
    acc = access_space(request.user, slug)
    if not acc.is_admin:
        raise Forbidden()
    if request.method == "POST":
        made = actions.do_publish_announcement(
            acc, title=request.POST.get("title", ""), body=request.POST.get("body", ""),
            category=request.POST.get("category", ""), team_ids=parse_ints(request.POST.getlist("team_ids"), "team_ids"),
            user_ids=parse_ints(request.POST.getlist("user_ids"), "user_ids"),
            require_ack=request.POST.get("require_ack") == "on",
            pinned_until=_parse_datetime(request.POST.get("pinned_until", ""), "pinned_until"),
        )
        messages.success(request, _("The announcement is published."))
        return redirect("announcement_detail", made.pk)
    from plaza.spaces.queries import list_members

    context = space_context(
        acc, "announcements", teams=list(list_teams(acc)), members=list_members(acc, limit=100)[0],
        max_title=MAX_TITLE, max_body=MAX_BODY,
    )
    return render_page(request, "announcements/announcement_form.html", context)


@page_errors
def announcement_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    require_login(request)
    acc, found = access_announcement(request.user, announcement_id)
    if request.method == "POST":
        return _action(request, acc, found)
    if found.status == AnnouncementStatus.PUBLISHED:
        actions.do_mark_read(acc, found)  # opening it is reading it
    _acc, shown = queries.get_announcement(acc, found.pk)
    context = space_context(acc, "announcements", a=shown, max_title=MAX_TITLE, max_body=MAX_BODY)
    if acc.is_admin:
        read, unread = queries.get_receipts(shown)
        context.update(read=read, unread=unread, revisions=list(shown.revisions.select_related("editor").order_by("-created")))
    return render_page(request, "announcements/announcement_detail.html", context)


def _action(request: HttpRequest, acc: SpaceAccess, found: Announcement) -> HttpResponse:
    action = request.POST.get("action", "")
    if action == "ack":
        access_announcement(acc, found.pk, live=True)
        actions.do_mark_read(acc, found, acknowledge=True)
        messages.success(request, _("Thank you: your acknowledgement is recorded."))
    elif action == "remind":
        count = actions.do_remind(acc, found)
        messages.success(request, _("A reminder went to %(n)d people.") % {"n": count})
    elif action == "recall":
        actions.do_recall_announcement(acc, found)
        messages.success(request, _("The announcement is recalled."))
    elif action == "edit":
        changes = {
            "title": request.POST.get("title", ""), "body": request.POST.get("body", ""),
            "category": request.POST.get("category", ""), "require_ack": request.POST.get("require_ack") == "on",
            "pinned_until": _parse_datetime(request.POST.get("pinned_until", ""), "pinned_until"),
        }
        actions.do_edit_announcement(acc, found, changes)
        messages.success(request, _("The announcement is updated; its recipients are told."))
    else:
        raise Invalid(_("Unknown action."), field="action")
    return redirect("announcement_detail", found.pk)
