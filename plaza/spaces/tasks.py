"""Background work of the spaces app."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from plaza.accounts.models import User
from plaza.core.i18n import as_recipient
from plaza.core.tasks import named, retrying
from plaza.spaces.actions import do_process_member_import
from plaza.spaces.models import Invitation


@named("spaces.send_invitation_email")
@task()
@retrying(attempts=5, base_delay=30)
def send_invitation_email(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("space", "created_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.email:
        return
    recipient = User.objects.filter(email__iexact=invitation.email).first()
    language = recipient.language if recipient else (invitation.created_by.language if invitation.created_by else "en")
    base = settings.PLAZA_BASE_URL.rstrip("/")
    with as_recipient(recipient, language=language):
        context = {"invitation": invitation, "url": f"{base}/invitations/{invitation.code}/"}
        subject = render_to_string("spaces/email/invitation_subject.txt", context).strip()
        text = render_to_string("spaces/email/invitation.txt", context)
        html = render_to_string("spaces/email/invitation.html", context)
    send_mail(subject, text, None, [invitation.email], html_message=html)


@named("spaces.run_member_import")
@task()
def run_member_import(import_id: int) -> int:
    """Work through a member import in the background; returns the rows processed."""
    job = do_process_member_import(import_id)
    return job.processed if job else 0
