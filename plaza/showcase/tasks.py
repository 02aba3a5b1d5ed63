"""Background work of the showcase: mailing a reply to a signed-out asker."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from plaza.core.i18n import as_recipient
from plaza.core.tasks import named, retrying
from plaza.showcase.access import inquiry_thread_token
from plaza.showcase.actions import inquiry_email
from plaza.showcase.models import Inquiry


@named("showcase.send_inquiry_reply_email")
@task()
@retrying(attempts=5, base_delay=30)
def send_inquiry_reply_email(inquiry_id: int) -> bool:
    """Mail the exhibitor's latest reply to an asker who was signed out, with a signed link
    to the conversation (they have no account to read it in). Returns False when unsent."""
    inquiry = Inquiry.objects.select_related("product", "exhibitor").filter(pk=inquiry_id, from_user__isnull=True).first()
    to = inquiry_email(inquiry) if inquiry is not None else ""
    if not to:
        return False
    base = settings.PLAZA_BASE_URL.rstrip("/")
    with as_recipient(None):
        context = {"inquiry": inquiry, "url": f"{base}/inquiries/t/{inquiry_thread_token(inquiry)}/"}
        subject = render_to_string("showcase/email/reply_subject.txt", context).strip()
        text = render_to_string("showcase/email/reply.txt", context)
    send_mail(subject, text, None, [to])
    return True
