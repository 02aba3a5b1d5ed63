"""Blogs (long-form articles) and headlines (the curated front page of a space).

A blog's comments and likes live on the feed post that announces it (``Blog.post``, set
when it is published), so counts, notifications and permissions are the feed's. Every row
carries ``space_id``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_TAGS = 10
MAX_TAG = 30


class BlogStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Blog(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("spaces.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blogs")
    # Written "as the space": shown under the space's name; any admin of the space edits it.
    as_space = models.BooleanField(default=False)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    body = models.TextField(_("body"), max_length=MAX_BODY, blank=True)
    html = models.TextField(blank=True)  # rendered and sanitized once, at write time
    tags = models.JSONField(default=list, blank=True)
    cover = models.ForeignKey("uploads.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=BlogStatus.choices, default=BlogStatus.DRAFT)
    post = models.OneToOneField("feed.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="blog")
    created = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Hidden by the space's moderators (``moderation``): seen only by the space's admins and its author.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("blog")
        verbose_name_plural = _("blogs")
        indexes = [
            models.Index(fields=["space", "-created", "-id"], name="blog_space_created"),
            models.Index(fields=["author", "-created", "-id"], name="blog_author_created"),
        ]

    def __str__(self) -> str:
        return self.title


class HeadlineKind(models.TextChoices):
    BLOG = "blog", _("Blog")
    POST = "post", pgettext_lazy("headline kind", "Post")
    ANNOUNCEMENT = "announcement", _("Announcement")


class Headline(models.Model):
    """One featured item of a space's front page, in ``position`` order until it expires."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=HeadlineKind.choices)
    target_id = models.BigIntegerField()
    position = models.IntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    cover = models.ForeignKey("uploads.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    view_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("headline")
        verbose_name_plural = _("headlines")
        indexes = [models.Index(fields=["space", "position", "id"], name="headline_space_position")]
