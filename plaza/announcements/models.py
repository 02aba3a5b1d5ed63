"""Announcements: categories, the announcement, its recipients (read receipts) and its
revisions. Recipients are resolved once, when it is published; every row carries space_id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_CATEGORY = 50


class Category(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=MAX_CATEGORY)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("announcement category")
        verbose_name_plural = _("announcement categories")
        constraints = [models.UniqueConstraint(fields=["space", "name"], name="annc_category_space_name")]

    def __str__(self) -> str:
        return self.name


class AnnouncementStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    RECALLED = "recalled", _("Recalled")


class Announcement(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="announcements")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    body = models.TextField(_("body"), max_length=MAX_BODY, blank=True)
    html = models.TextField(blank=True)
    # The audience as it was chosen: empty lists mean the whole space.
    team_ids = models.JSONField(default=list, blank=True)
    user_ids = models.JSONField(default=list, blank=True)
    require_ack = models.BooleanField(_("require acknowledgement"), default=False)
    pinned_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=AnnouncementStatus.choices, default=AnnouncementStatus.PUBLISHED)
    created = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    recalled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["space", "-created", "-id"], name="annc_space_created")]

    def __str__(self) -> str:
        return self.title


class AnnouncementRecipient(models.Model):
    """One person an announcement was addressed to, and when they read (acknowledged) it."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)  # the announcement's, for keyset pages
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="annc_recipient_unique")]
        indexes = [
            models.Index(fields=["user", "space", "-created"], name="annc_recipient_user"),
            models.Index(fields=["announcement", "read_at"], name="annc_recipient_read"),
        ]


class AnnouncementRevision(models.Model):
    """What an announcement said before an edit."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=MAX_TITLE)
    body = models.TextField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["announcement", "-created", "-id"], name="annc_revision_created")]
