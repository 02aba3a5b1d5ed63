"""Uploaded images and files, before and after they end up in a post or another app's object.

The table was created by the feed app and keeps its name (``feed_attachment``); the model
moved here without copying a row (``migrations/0001_initial.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# At most this many uploads go on one post, message or object.
MAX_ATTACHMENTS = 9


class Attachment(models.Model):
    """An uploaded image or file. Only its uploader may fetch it until it is attached to a
    post; from then on, exactly those who may see the post."""

    # None for a signed-out upload (``do_upload_file(..., scope=...)``): nobody downloads it
    # before a claim, and only a caller presenting its claim code may claim it.
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("feed.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    is_image = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    # Claimed by another app's object (``uploads.actions.claim_uploads``): a poll option, a
    # product, a case... Who may download it is then decided by the visibility function
    # registered for ``claimed_kind`` (``uploads.kinds``); a claimed upload is no orphan.
    claimed_kind = models.CharField(max_length=40, blank=True, default="")
    claimed_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Signed-out uploads only: what they were accepted for (e.g. ``case_type:12``) and the
    # SHA-256 of the secret claim code shown once to the uploader.
    claim_scope = models.CharField(max_length=60, blank=True, default="")
    claim_code_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        # The table kept its name when the model moved here from the feed (a state-only move).
        db_table = "feed_attachment"
        indexes = [
            models.Index(fields=["uploader", "-created", "-id"], name="attachment_uploader_created"),
            models.Index(fields=["claimed_kind", "claimed_id"], name="attachment_claimed"),
            models.Index(fields=["post"], name="attachment_post"),
        ]

    def summary(self) -> dict[str, object]:
        return {"id": self.pk, "name": self.name, "size": self.size, "content_type": self.content_type, "is_image": self.is_image}
