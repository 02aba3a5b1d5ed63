"""Pages of discussion groups: a space's groups (and creating one), and the chat itself.

The chat page is server-rendered with the latest messages; ``chat/chat.js`` then sends,
edits and deletes through the API, receives live events over the page socket and loads
older messages on scroll. Without JavaScript, the forms post to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plaza.chat import actions, queries
from plaza.chat.access import access_group_by_id, access_message
from plaza.chat.models import MAX_MESSAGE
from plaza.core.auth import bearer_or_session
from plaza.core.errors import Invalid
from plaza.core.pages import file_response, page_errors, parse_int, render_page, require_login, space_context
from plaza.mail.queries import count_unread as count_unread_mail
from plaza.spaces.access import access_space
from plaza.spaces.models import Role
from plaza.spaces.queries import list_member_choices
from plaza.uploads.actions import do_upload_file

PAGE = 50


@page_errors
def group_list(request: HttpRequest, slug: str) -> HttpResponse:
    require_login(request)
    acc = access_space(request.user, slug, role=Role.GUEST)
    error = ""
    if request.method == "POST":
        ids = [parse_int(v, "member_ids") for v in request.POST.getlist("member_ids")]
        try:
            group = actions.do_create_group(acc, name=request.POST.get("name", ""), member_ids=ids)
        except Invalid as exc:
            error = exc.message()
        else:
            return redirect("chat_group", group.pk)
    choices = [m for m in list_member_choices(acc) if m.user_id != request.user.pk] if acc.is_member else []
    context = space_context(acc, "groups", groups=queries.list_groups(acc), choices=choices, error=error,
                            can_create=acc.is_member and acc.joined)
    return render(request, "chat/group_list.html", context, status=422 if error else 200)


@page_errors
def inbox(request: HttpRequest) -> HttpResponse:
    """One inbox: my direct chats and discussion groups across all my spaces, newest activity
    first, with unread counts; mail is one tab away. ``chat/inbox.js`` refreshes the list
    (the ``list`` partial) when a message arrives over the page socket."""
    require_login(request)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_conversations(request.user, cursor=cursor)
    context = {"conversations": rows, "next_cursor": next_cursor, "mail_unread": count_unread_mail(request.user)}
    return render_page(request, "chat/inbox.html", context, partial="list")


@page_errors
def direct_chat(request: HttpRequest) -> HttpResponse:
    """Start (or reopen) the direct chat with ``user_id`` (the person page's "Message" button)."""
    require_login(request)
    if request.method != "POST":
        return redirect("inbox")
    group, _created = actions.do_open_direct_chat(request.user, user_id=parse_int(request.POST.get("user_id"), "user_id"))
    return redirect("chat_group", group.pk)


@page_errors
def chat(request: HttpRequest, group_id: int) -> HttpResponse:
    require_login(request)
    acc, group, member = access_group_by_id(request.user, group_id)
    if request.method == "POST":
        return _chat_post(request, group_id)
    rows, next_cursor = queries.list_messages(group, acc=acc, limit=PAGE)
    members = list(queries.current_members(group))
    in_group = {m.user_id for m in members}
    other = next((m.user for m in members if m.user_id != request.user.pk), None) if group.is_direct else None
    context = space_context(
        acc, "groups", group=group, member=member, other=other, chat_messages=list(reversed(rows)), next_cursor=next_cursor,
        members=members, max_body=MAX_MESSAGE,
        choices=[m for m in list_member_choices(acc) if m.user_id not in in_group] if member.manages else [],
    )
    return render(request, "chat/chat.html", context)


def _chat_post(request: HttpRequest, group_id: int) -> HttpResponse:
    """One change from the page's forms: send, delete, rename, add, remove or leave."""
    acc, group, member = access_group_by_id(request.user, group_id)
    what = request.POST.get("action", "send")
    back = redirect("chat_group", group.pk)
    if what == "send":
        uploads = [do_upload_file(acc.user, f) for f in request.FILES.getlist("files")]
        actions.do_send_message(acc, group, member, body=request.POST.get("body", ""), attachment_ids=[u.pk for u in uploads])
    elif what == "delete":
        message = access_message(group, parse_int(request.POST.get("message_id"), "message_id"), user=acc.user, for_write=True)
        actions.do_delete_message(acc, group, message)
    elif what == "rename":
        actions.do_rename_group(acc, group, member, name=request.POST.get("name", ""))
        messages.success(request, _("The group was renamed."))
    elif what == "add":
        actions.do_add_group_member(acc, group, member, user_id=parse_int(request.POST.get("user_id"), "user_id"))
        messages.success(request, _("Added to the group."))
    elif what in ("remove", "leave"):
        user_id = acc.user.pk if what == "leave" else parse_int(request.POST.get("user_id"), "user_id")
        actions.do_remove_group_member(acc, group, member, user_id=user_id)
        if user_id == acc.user.pk:
            messages.success(request, _("You left %(name)s.") % {"name": group.name})
            return redirect("chat_groups", acc.space.slug)
        messages.success(request, _("Removed from the group."))
    else:
        raise Invalid(_("Unknown action."), field="action")
    return back


@bearer_or_session
@page_errors
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    require_login(request)
    return file_response(queries.get_attachment(request.user, attachment_id))
