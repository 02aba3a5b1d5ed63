"""Every write of micro-mail: send (reply, reply-all), forward, move, mark read.

Recipients are checked against who the sender may know (``access.list_knowable_ids``); an
unknown or unknowable person is 404 without saying which, so that mail cannot probe who
exists. Recipients are notified ("mail_received") through ``notify``, after commit.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from plaza.core import markdown
from plaza.core.errors import Conflict, Invalid, NotAuthenticated, NotFound
from plaza.core.validation import check_text
from plaza.mail.access import access_mail, list_knowable_ids
from plaza.mail.models import MAX_BODY, MAX_RECIPIENTS, MAX_SUBJECT, Attachment, Delivery, DeliveryRole, Folder, Message
from plaza.notifications.actions import notify
from plaza.spaces.access import access_team_by_id
from plaza.spaces.queries import list_team_member_ids
from plaza.uploads.actions import check_attachments as check_uploads


def check_subject(subject: str | None) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise Invalid(_("Give the mail a subject."), field="subject")
    if len(subject) > MAX_SUBJECT:
        raise Invalid(_("At most %(n)d characters.") % {"n": MAX_SUBJECT}, field="subject")
    return subject


def check_body(body: str | None) -> str:
    return check_text(body, field="body", max_len=MAX_BODY, required=True)


def check_folder(folder: str) -> str:
    if folder not in Folder.values:
        raise Invalid(_("Choose inbox, sent, archive or trash."), field="folder")
    return folder


def check_recipients(
    user: Any, to: list[int], cc: list[int], team_ids: list[int], *, known: set[int] | None = None
) -> tuple[list[int], list[int]]:
    """(to, cc) ids: teams expanded to their members now; the sender dropped; duplicates once,
    "to" winning over "cc". Any person the sender may not know (besides ``known``: the people
    of the mail being answered), or a team they may not see, is 404 naming nothing."""
    team_people: list[int] = []
    for team_id in dict.fromkeys(team_ids):
        _acc, team, _tm = access_team_by_id(user, team_id)
        team_people.extend(sorted(list_team_member_ids(team)))
    named = (set(to) | set(cc)) - (known or set())
    if named - list_knowable_ids(user, named):
        raise NotFound()
    to_ids = [i for i in dict.fromkeys([*to, *team_people]) if i != user.pk]
    cc_ids = [i for i in dict.fromkeys(cc) if i != user.pk and i not in to_ids]
    if not to_ids and not cc_ids:
        raise Invalid(_("Choose at least one recipient."), field="to")
    if len(to_ids) + len(cc_ids) > MAX_RECIPIENTS:
        raise Invalid(_("At most %(n)d recipients.") % {"n": MAX_RECIPIENTS}, field="to")
    return to_ids, cc_ids


def _attach(message: Message, uploads: list[Any]) -> None:
    """Copy the sender's uploads onto the mail: the copies are read only by those who have it."""
    rows = []
    for upload in uploads:
        with upload.file.open("rb") as handle:
            content = ContentFile(handle.read(), name=upload.file.name.rsplit("/", 1)[-1])
        rows.append(Attachment.objects.create(
            message=message, file=content, name=upload.name, size=upload.size,
            content_type=upload.content_type, is_image=upload.is_image,
        ))
    message.attachment_data = [a.summary() for a in rows]
    message.save(update_fields=["attachment_data"])


@transaction.atomic
def do_send_mail(
    user: Any,
    *,
    to: list[int],
    subject: str,
    body: str,
    cc: list[int] | None = None,
    team_ids: list[int] | None = None,
    private: bool = False,
    reply_to: int | None = None,
    attachment_ids: list[int] | None = None,
) -> Message:
    """Send a mail. ``reply_to`` (a mail the sender has) keeps its thread; ``attachment_ids``
    are the sender's own new uploads (``POST /uploads``), copied onto the mail."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    parent = access_mail(user, reply_to).message if reply_to is not None else None
    uploads = check_uploads(user, attachment_ids)
    subject = check_subject(subject)
    body = check_body(body)
    known: set[int] = set()
    if parent is not None:
        # Whoever wrote to you, or was written to with you, may be answered.
        known = {parent.sender_id, *Delivery.objects.filter(message=parent).values_list("user_id", flat=True)}
    to_ids, cc_ids = check_recipients(user, list(to), list(cc or []), list(team_ids or []), known=known)
    message = Message.objects.create(
        sender=user, subject=subject, body=body, html=markdown.render(body), private=private,
        reply_to=parent, thread_id=parent.thread_id if parent is not None else None,
    )
    if parent is None:
        message.thread_id = message.pk
        Message.objects.filter(pk=message.pk).update(thread_id=message.pk)
    if uploads:
        _attach(message, uploads)
    Delivery.objects.bulk_create(
        [Delivery(message=message, user=user, folder=Folder.SENT, unread=False, role=DeliveryRole.SENDER, created=message.created)]
        + [Delivery(message=message, user_id=uid, role=DeliveryRole.TO, created=message.created) for uid in to_ids]
        + [Delivery(message=message, user_id=uid, role=DeliveryRole.CC, created=message.created) for uid in cc_ids]
    )
    notify(recipients=[*to_ids, *cc_ids], kind="mail_received", actor=user, target_type="mail", target_id=message.pk,
           data={"subject": subject})
    return message


@transaction.atomic
def do_forward_mail(user: Any, delivery: Delivery, *, to: list[int], body: str = "") -> Message:
    """Forward a mail you have as a new thread, quoting it. Private mail is 409."""
    original = delivery.message
    if original.private:
        raise Conflict(_("Private mail cannot be forwarded."))
    quoted = "\n".join(f"> {line}" for line in original.body.splitlines())
    intro = _("Forwarded mail from %(name)s:") % {"name": original.sender.name}
    text = f"{body.strip()}\n\n{intro}\n\n{quoted}".strip()
    subject = original.subject if original.subject.lower().startswith("fwd:") else f"Fwd: {original.subject}"
    forwarded = do_send_mail(user, to=to, subject=subject[:MAX_SUBJECT], body=text[:MAX_BODY])
    originals = list(Attachment.objects.filter(message=original))
    if originals:
        _attach(forwarded, originals)
    return forwarded


@transaction.atomic
def do_mark_read(delivery: Delivery) -> Delivery:
    if delivery.unread:
        Delivery.objects.filter(pk=delivery.pk).update(unread=False)
        delivery.unread = False
    return delivery


@transaction.atomic
def do_move_mail(delivery: Delivery, *, folder: str) -> Delivery:
    delivery.folder = check_folder(folder)
    delivery.save(update_fields=["folder"])
    return delivery
