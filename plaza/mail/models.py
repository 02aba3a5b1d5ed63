"""Micro-mail (微邮): internal mail between people who share a space.

A Message is written once; each person who has it (every recipient, and the sender) has
one Delivery saying in which of their folders it is and whether they have read it. Mail
belongs to people, not to a space, so these are not tenant rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_SUBJECT = 200
MAX_BODY = 20000
MAX_RECIPIENTS = 200


class Message(models.Model):
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("subject"), max_length=MAX_SUBJECT)
    body = models.TextField(_("body"), max_length=MAX_BODY)
    html = models.TextField(blank=True)  # rendered and sanitized once, at write time
    private = models.BooleanField(_("private (cannot be forwarded)"), default=False)
    # The first message of the thread (its own id for a new thread).
    thread_id = models.PositiveBigIntegerField(null=True, db_index=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    created = models.DateTimeField(default=timezone.now)
    # What the mail shows of its files ({id, name, size, content_type, is_image, url}).
    attachment_data = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("mail")
        verbose_name_plural = _("mail")

    def __str__(self) -> str:
        return self.subject


class Folder(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    SENT = "sent", _("Sent")
    ARCHIVE = "archive", _("Archive")
    TRASH = "trash", _("Trash")


class DeliveryRole(models.TextChoices):
    TO = "to", _("To")
    CC = "cc", _("Cc")
    SENDER = "sender", _("Sender")


class Delivery(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    folder = models.CharField(max_length=10, choices=Folder.choices, default=Folder.INBOX)
    unread = models.BooleanField(default=True)
    role = models.CharField(max_length=10, choices=DeliveryRole.choices, default=DeliveryRole.TO)
    created = models.DateTimeField(default=timezone.now)  # the message's, for the folder lists

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="delivery_message_user")]
        indexes = [models.Index(fields=["user", "folder", "-created", "-id"], name="delivery_user_folder")]


class Attachment(models.Model):
    """A file sent with a mail: a copy of the sender's upload, readable by those who have the mail."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="mail/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    is_image = models.BooleanField(default=False)

    def summary(self) -> dict[str, object]:
        return {"id": self.pk, "name": self.name, "size": self.size, "content_type": self.content_type,
                "is_image": self.is_image, "url": f"/mail/files/{self.pk}/"}
