"""Pages of micro-mail: the folders, a thread, and composing (new, reply, reply-all, forward)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plaza.core.auth import bearer_or_session
from plaza.core.errors import Invalid, NotFound
from plaza.core.pages import file_response, page_errors, parse_int, require_login
from plaza.mail import actions, queries
from plaza.mail.access import access_mail
from plaza.mail.models import MAX_BODY, MAX_SUBJECT, DeliveryRole, Folder
from plaza.uploads.actions import do_upload_file


def _ids(request: HttpRequest, field: str) -> list[int]:
    return [parse_int(v, field) for v in request.POST.getlist(field) if v != ""]


@page_errors
def folder(request: HttpRequest, folder: str = Folder.INBOX) -> HttpResponse:
    require_login(request)
    if folder not in Folder.values:
        raise NotFound()
    rows, next_cursor = queries.list_folder(request.user, folder, cursor=request.GET.get("cursor") or None)
    context = {"rows": rows, "next_cursor": next_cursor, "folder": folder, "folders": Folder.choices,
               "unread": queries.count_unread(request.user)}
    return render(request, "mail/folder.html", context)


@page_errors
def thread(request: HttpRequest, message_id: int) -> HttpResponse:
    require_login(request)
    delivery = access_mail(request.user, message_id)
    if request.method == "POST":
        actions.do_move_mail(delivery, folder=request.POST.get("folder", ""))
        messages.success(request, _("Moved to %(folder)s.") % {"folder": Folder(delivery.folder).label})
        return redirect("mail_folder", delivery.folder)
    actions.do_mark_read(delivery)
    rows = queries.list_thread(request.user, delivery.message.thread_id)
    for d in rows:
        if d.unread:
            actions.do_mark_read(d)
    context = {"delivery": delivery, "rows": rows, "folder": delivery.folder, "folders": Folder.choices,
               "subject": rows[0].message.subject}
    return render(request, "mail/thread.html", context)


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """What a reply, reply-all or forward starts with."""
    user = request.user
    if request.GET.get("reply"):
        parent = access_mail(user, parse_int(request.GET["reply"], "reply")).message
        recipients = queries.get_recipients(parent)
        to = [parent.sender_id] if parent.sender_id != user.pk else [d.user_id for d in recipients if d.role == DeliveryRole.TO]
        cc: list[int] = []
        if request.GET.get("all"):
            to = list(dict.fromkeys([*to, *(d.user_id for d in recipients if d.role == DeliveryRole.TO)]))
            cc = [d.user_id for d in recipients if d.role == DeliveryRole.CC]
        subject = parent.subject if parent.subject.lower().startswith("re:") else f"Re: {parent.subject}"
        return {"reply_to": parent.pk, "to": [i for i in to if i != user.pk], "cc": [i for i in cc if i != user.pk],
                "subject": subject, "parent": parent}
    if request.GET.get("forward"):
        original = access_mail(user, parse_int(request.GET["forward"], "forward")).message
        return {"forward": original.pk, "subject": f"Fwd: {original.subject}", "parent": original, "to": [], "cc": []}
    return {"to": [parse_int(request.GET["to"], "to")] if request.GET.get("to") else [], "cc": []}


@page_errors
def compose(request: HttpRequest) -> HttpResponse:
    require_login(request)
    prefill = _prefill(request)
    error = ""
    if request.method == "POST":
        try:
            if prefill.get("forward"):
                delivery = access_mail(request.user, prefill["forward"])
                message = actions.do_forward_mail(request.user, delivery, to=_ids(request, "to"), body=request.POST.get("body", ""))
            else:
                uploads = [do_upload_file(request.user, f) for f in request.FILES.getlist("files")]
                message = actions.do_send_mail(
                    request.user, to=_ids(request, "to"), cc=_ids(request, "cc"), team_ids=_ids(request, "team_ids"),
                    subject=request.POST.get("subject", ""), body=request.POST.get("body", ""),
                    private=bool(request.POST.get("private")), reply_to=prefill.get("reply_to"),
                    attachment_ids=[u.pk for u in uploads],
                )
        except (Invalid, NotFound) as exc:
            error = exc.message() if isinstance(exc, Invalid) else _("You can only write to people you share a space with.")
        else:
            messages.success(request, _("Your mail was sent."))
            return redirect("mail_thread", message.pk)
        prefill.update(to=_ids(request, "to"), cc=_ids(request, "cc"), subject=request.POST.get("subject", ""))
    context = {
        **prefill, "people": queries.list_recipient_choices(request.user), "teams": queries.list_team_choices(request.user),
        "error": error, "body": request.POST.get("body", ""), "max_subject": MAX_SUBJECT, "max_body": MAX_BODY,
        "folders": Folder.choices, "folder": "",
    }
    return render(request, "mail/compose.html", context, status=422 if error else 200)


@bearer_or_session
@page_errors
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    require_login(request)
    return file_response(queries.get_attachment(request.user, attachment_id))
