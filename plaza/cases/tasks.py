"""Background work of quick review: mail to submitters, and the overdue sweep."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from plaza.cases.actions import do_mark_overdue_cases
from plaza.cases.models import Case, CaseEvent
from plaza.core.i18n import as_recipient
from plaza.core.tasks import named, retrying


@named("cases.send_case_email")
@task()
@retrying(attempts=5, base_delay=30)
def send_case_email(case_id: int, event_id: int) -> None:
    """Tell the submitter about a public step of their case. Internal notes never get here."""
    case = Case.objects.select_related("space", "case_type", "submitted_by").filter(pk=case_id).first()
    event = CaseEvent.objects.filter(pk=event_id, case_id=case_id, public=True).first()
    if case is None or event is None:
        return
    to = case.contact_email or (case.submitted_by.email if case.submitted_by else "")
    if not to:
        return
    language = case.submitted_by.language if case.submitted_by and case.submitted_by.language else settings.LANGUAGE_CODE
    base = settings.PLAZA_BASE_URL.rstrip("/")
    with as_recipient(case.submitted_by, language=language):
        context = {"case": case, "event": event, "url": f"{base}/cases/lookup/?number={case.number}"}
        subject = render_to_string("cases/email/update_subject.txt", context).strip()
        text = render_to_string("cases/email/update.txt", context)
    send_mail(subject, text, None, [to])


@task()
def mark_overdue_cases() -> int:
    return do_mark_overdue_cases()
