"""Quick review (快审): case types defined by admins, cases, and their append-only timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The kinds under which cases claim uploads (``uploads.kinds``).
CASE_UPLOAD_KIND = "case"  # image and file values
CASE_EVENT_UPLOAD_KIND = "case_event"  # a lookup reply's attachments


class Submitters(models.TextChoices):
    MEMBERS = "members", _("Members of the space")
    ANYONE = "anyone", _("Anyone (signed out too, in a public space)")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", pgettext_lazy("form field type", "Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    IMAGE = "image", _("Image")
    FILE = "file", _("File")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_REVIEW = "in_review", _("In review")
    NEED_INFO = "need_info", _("More information needed")
    CONCLUDED = "concluded", _("Concluded")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The one declared graph every status change is checked against (actions.transition_case).
GRAPH: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.ACCEPTED, Status.WITHDRAWN}),
    Status.ACCEPTED: frozenset({Status.IN_REVIEW, Status.WITHDRAWN}),
    Status.IN_REVIEW: frozenset({Status.NEED_INFO, Status.CONCLUDED, Status.WITHDRAWN}),
    Status.NEED_INFO: frozenset({Status.IN_REVIEW, Status.WITHDRAWN}),
    Status.CONCLUDED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = [Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW, Status.NEED_INFO]


class CaseType(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # [{key, label, type, required, choices?}], validated by actions.check_fields
    fields = models.JSONField(default=list)
    submitters = models.CharField(max_length=10, choices=Submitters.choices, default=Submitters.MEMBERS)
    reviewer_team = models.ForeignKey("spaces.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcomes = models.JSONField(default=list)  # ["genuine", "counterfeit", ...]
    due_days = models.JSONField(default=dict, blank=True)  # {status: days to handle it}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["space", "-created", "-id"], name="casetype_space_created")]

    def __str__(self) -> str:
        return self.name


class CaseCounter(models.Model):
    """The last case number handed out in a year, server-wide; incremented under a row lock."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)


class Case(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(max_length=32, unique=True)
    access_code_hash = models.CharField(max_length=64)
    values = models.JSONField(default=dict)
    contact_email = models.EmailField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    outcome = models.CharField(max_length=100, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(null=True, blank=True)
    overdue = models.BooleanField(default=False)  # set by the scheduled job mark_overdue_cases
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["space", "-created", "-id"], name="case_space_created"),
            models.Index(fields=["space", "status", "-created", "-id"], name="case_space_status"),
            models.Index(fields=["status", "due_at"], name="case_status_due"),
        ]

    def __str__(self) -> str:
        return self.number


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    STATUS = "status", _("Status changed")
    NOTE = "note", _("Internal note")
    REPLY = "reply", _("Public reply")
    SUBMITTER_REPLY = "submitter_reply", _("Submitter's answer")
    ASSIGNED = "assigned", _("Assigned")
    OVERDUE = "overdue", _("Overdue")


class CaseEvent(models.Model):
    """One line of a case's timeline. Append-only: never changed or deleted alone."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    status = models.CharField(max_length=12, choices=Status.choices)  # the status after the event
    body = models.TextField(blank=True, max_length=5000)
    public = models.BooleanField(default=False)  # shown to the submitter in the lookup
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["case", "created", "id"], name="caseevent_case_created")]

    def save(self, *args: object, **kwargs: object) -> None:
        # Integrity, not business logic: the timeline is append-only.
        if self.pk is not None:
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
