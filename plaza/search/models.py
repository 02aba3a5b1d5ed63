"""The search index: one row per searchable thing, written by the apps' actions.

A row holds what is matched (``terms``, the pre-segmented words of title and text), what is
shown (``title``, ``text``) and the keys the access rules need to find the thing again
(``kind`` + ``object_id``, ``space``, ``team``, ``author``). Who may see a row is never
stored here: the query asks each app's ``access`` rules when it runs (``search.access``).

The engine's own index lives beside the table, created by the migration for the database in
use: an FTS5 table kept in step by triggers (SQLite), or a ``tsvector`` column with a GIN
index (PostgreSQL). See docs/search.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    POST = "post", _("Posts")
    COMMENT = "comment", _("Comments")
    BLOG = "blog", _("Blogs")
    ANNOUNCEMENT = "announcement", _("Announcements")
    EVENT = "event", _("Events")
    POLL = "poll", _("Polls")
    PRODUCT = "product", _("Products")
    CASE = "case", _("Cases")
    MAIL = "mail", _("Mail")
    MESSAGE = "message", _("Messages")
    USER = "user", _("People")
    SPACE = "space", _("Spaces")
    TOPIC = "topic", _("Topics")


# The label of one result, by its kind.
KIND_LABELS = {
    Kind.POST: pgettext_lazy("search result", "Post"),
    Kind.COMMENT: pgettext_lazy("search result", "Comment"),
    Kind.BLOG: pgettext_lazy("search result", "Blog"),
    Kind.ANNOUNCEMENT: pgettext_lazy("search result", "Announcement"),
    Kind.EVENT: pgettext_lazy("search result", "Event"),
    Kind.POLL: pgettext_lazy("search result", "Poll"),
    Kind.PRODUCT: pgettext_lazy("search result", "Product"),
    Kind.CASE: pgettext_lazy("search result", "Case"),
    Kind.MAIL: pgettext_lazy("search result", "Mail"),
    Kind.MESSAGE: pgettext_lazy("search result", "Group message"),
    Kind.USER: pgettext_lazy("search result", "Person"),
    Kind.SPACE: pgettext_lazy("search result", "Space"),
    Kind.TOPIC: pgettext_lazy("search result", "Topic"),
}

MAX_TEXT = 6000  # characters of text kept for snippets (posts are at most 5,000)


class Document(models.Model):
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    space = models.ForeignKey("spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("spaces.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What the result links to besides the id: a comment's post, a message's group, a case's
    # number, a person's handle, a topic's name.
    ref = models.CharField(max_length=100, blank=True, default="")
    title = models.CharField(max_length=300, blank=True, default="")
    text = models.TextField(blank=True, default="")
    terms = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "search_document"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_kind_object")]
        indexes = [
            models.Index(fields=["-created", "-id"], name="search_document_created"),
            models.Index(fields=["space", "-created", "-id"], name="search_document_space"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
