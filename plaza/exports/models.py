"""Exports: a zip of a space's content for its admins, or of a person's own data for them.

An export is written by a background task into a private file (never served by the media
view), downloaded only by those who may have it, and deleted after ``EXPORT_TTL``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

EXPORT_TTL = timedelta(days=7)


class ExportKind(models.TextChoices):
    SPACE = "space", _("Space export")
    PERSONAL = "personal", _("Personal export")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export status", "Queued")
    RUNNING = "running", pgettext_lazy("export status", "Running")
    DONE = "done", pgettext_lazy("export status", "Done")
    FAILED = "failed", pgettext_lazy("export status", "Failed")


# The declared graph the one transition function (actions.transition_export) checks.
GRAPH: dict[str, frozenset[str]] = {
    ExportStatus.QUEUED: frozenset({ExportStatus.RUNNING, ExportStatus.FAILED}),
    ExportStatus.RUNNING: frozenset({ExportStatus.DONE, ExportStatus.FAILED}),
    ExportStatus.DONE: frozenset(),
    ExportStatus.FAILED: frozenset(),
}
ACTIVE_STATUSES = [ExportStatus.QUEUED, ExportStatus.RUNNING]


class Export(models.Model):
    kind = models.CharField(max_length=10, choices=ExportKind.choices)
    # The exported space (space exports); None for a personal export. A deleted space leaves
    # its exports to nobody (SET_NULL) until the expiry job deletes them, files and all.
    space = models.ForeignKey("spaces.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    # Progress: the parts written so far out of all of them (one per JSON file, then the files).
    done_steps = models.PositiveSmallIntegerField(default=0)
    total_steps = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["space", "-created", "-id"], name="export_space_created"),
            models.Index(fields=["requested_by", "kind", "-created", "-id"], name="export_user_created"),
            models.Index(fields=["expires_at"], name="export_expires"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.done_steps / self.total_steps) if self.total_steps else 0
