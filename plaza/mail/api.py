"""Micro-mail API (API.md, mail). Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from plaza.core.schemas import errors
from plaza.mail import actions, queries
from plaza.mail.access import access_mail
from plaza.mail.models import Delivery, DeliveryRole, Folder
from plaza.mail.schemas import ForwardIn, MailIn, MailList, MailOut, MoveIn, SentOut, ThreadOut

router = Router(tags=["mail"])


def _people(delivery: Delivery, role: str) -> list[Any]:
    rows = getattr(delivery.message, "recipient_rows", None)
    if rows is None:
        rows = queries.get_recipients(delivery.message)
        delivery.message.recipient_rows = rows
    return [d.user for d in rows if d.role == role]


def summary_out(delivery: Delivery) -> dict[str, Any]:
    m = delivery.message
    return {
        "id": m.pk, "thread_id": m.thread_id, "subject": m.subject, "from": m.sender,
        "to": _people(delivery, DeliveryRole.TO), "unread": delivery.unread, "folder": delivery.folder,
        "private": m.private, "created_at": m.created,
    }


def mail_out(delivery: Delivery) -> dict[str, Any]:
    m = delivery.message
    return {
        **summary_out(delivery), "body": m.body, "html": m.html, "cc": _people(delivery, DeliveryRole.CC),
        "reply_to": m.reply_to_id, "attachments": m.attachment_data,
    }


@router.post("/mail", response={201: SentOut, **errors(401, 404, 422)})
def send(request: HttpRequest, payload: MailIn) -> Status:
    message = actions.do_send_mail(
        request.auth, to=payload.to, cc=payload.cc, team_ids=payload.team_ids, subject=payload.subject,
        body=payload.body, private=payload.private, reply_to=payload.reply_to, attachment_ids=payload.attachment_ids,
    )
    return Status(201, {"id": message.pk, "thread_id": message.thread_id})


@router.get("/mail/folders/{folder}", response={200: MailList, **errors(401, 404, 422)}, by_alias=True)
def folder(request: HttpRequest, folder: str, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    if folder not in Folder.values:
        from plaza.core.errors import NotFound

        raise NotFound()
    rows, next_cursor = queries.list_folder(request.auth, folder, cursor=cursor, limit=limit)
    return {"items": [summary_out(d) for d in rows], "next_cursor": next_cursor}


@router.get("/mail/messages/{int:message_id}", response={200: MailOut, **errors(401, 404)}, by_alias=True)
def read(request: HttpRequest, message_id: int) -> dict[str, Any]:
    delivery = access_mail(request.auth, message_id)
    return mail_out(actions.do_mark_read(delivery))


@router.get("/mail/threads/{int:thread_id}", response={200: ThreadOut, **errors(401, 404)}, by_alias=True)
def thread(request: HttpRequest, thread_id: int) -> dict[str, Any]:
    rows = queries.list_thread(request.auth, thread_id)
    return {"id": thread_id, "subject": rows[0].message.subject, "messages": [mail_out(d) for d in rows]}


@router.post("/mail/messages/{int:message_id}/move", response={200: MailOut, **errors(401, 404, 422)}, by_alias=True)
def move(request: HttpRequest, message_id: int, payload: MoveIn) -> dict[str, Any]:
    delivery = access_mail(request.auth, message_id)
    return mail_out(actions.do_move_mail(delivery, folder=payload.folder))


@router.post("/mail/messages/{int:message_id}/forward", response={201: SentOut, **errors(401, 404, 409, 422)})
def forward(request: HttpRequest, message_id: int, payload: ForwardIn) -> Status:
    delivery = access_mail(request.auth, message_id)
    message = actions.do_forward_mail(request.auth, delivery, to=payload.to, body=payload.body)
    return Status(201, {"id": message.pk, "thread_id": message.thread_id})
