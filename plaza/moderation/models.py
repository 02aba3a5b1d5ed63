"""Moderation: reports of content by the people who see it, and what the space's admins
decided about them.

A report names its thing by ``kind`` and ``target_id`` (a post, comment, blog, chat message,
product, event or poll of the report's space). Several reports of one thing make one entry
of the space's moderation queue; resolving the entry resolves every open report of the thing.
The thing itself is hidden by its own ``hidden_at`` column (``spaces.access.unhidden_*``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_DETAILS = 1000
MAX_NOTE = 1000


class ReportKind(models.TextChoices):
    POST = "post", pgettext_lazy("reported thing", "Post")
    COMMENT = "comment", pgettext_lazy("reported thing", "Comment")
    BLOG = "blog", pgettext_lazy("reported thing", "Blog")
    MESSAGE = "message", pgettext_lazy("reported thing", "Chat message")
    PRODUCT = "product", pgettext_lazy("reported thing", "Product")
    EVENT = "event", pgettext_lazy("reported thing", "Event")
    POLL = "poll", pgettext_lazy("reported thing", "Poll")


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    HARASSMENT = "harassment", _("Harassment or hate")
    INAPPROPRIATE = "inappropriate", _("Inappropriate content")
    MISINFORMATION = "misinformation", _("False or misleading information")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("report status", "Open")
    RESOLVED = "resolved", pgettext_lazy("report status", "Resolved")


class Outcome(models.TextChoices):
    DISMISS = "dismiss", pgettext_lazy("moderation action", "Dismissed")
    HIDE = "hide", pgettext_lazy("moderation action", "Hidden")
    DELETE = "delete", pgettext_lazy("moderation action", "Deleted")


class Report(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    target_id = models.BigIntegerField()
    # The thing's author when it was reported (the exhibitor's creator for a product): the
    # queue shows their history, and they may be removed or banned from there.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # A short excerpt of the thing when it was reported: the queue still shows what was
    # reported after the thing is deleted.
    excerpt = models.CharField(max_length=300, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=MAX_DETAILS)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True, max_length=MAX_NOTE)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # One open report per person and thing (a second is 409).
            models.UniqueConstraint(
                fields=["reporter", "kind", "target_id"],
                condition=models.Q(status="open"),
                name="report_one_open_per_reporter",
            ),
        ]
        indexes = [
            models.Index(fields=["space", "status", "-created", "-id"], name="report_space_status"),
            models.Index(fields=["kind", "target_id"], name="report_thing"),
            models.Index(fields=["space", "author"], name="report_space_author"),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} of {self.kind} {self.target_id}"
