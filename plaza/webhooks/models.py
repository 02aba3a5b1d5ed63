"""Webhooks: endpoints a space's admins register, the events queued for them (messages) and
one log row per delivery attempt.

A message keeps its body as the exact text that is signed, so every retry of one event sends
the same bytes under the same ``webhook-id``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

EVENTS = (
    "post.created",
    "post.deleted",
    "comment.created",
    "blog.published",
    "announcement.published",
    "event.created",
    "poll.closed",
    "case.created",
    "case.transitioned",
    "inquiry.created",
    "member.joined",
    "member.left",
)

MAX_WEBHOOKS_PER_SPACE = 20


class Webhook(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    # The signing secret ("whsec_" + base64 of 24 random bytes). It must stay readable to sign
    # deliveries; the API shows it once, at creation.
    secret = models.CharField(max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    enabled = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["space", "enabled"], name="webhook_space_enabled")]


class MessageStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("webhook message", "Pending")
    DELIVERED = "delivered", pgettext_lazy("webhook message", "Delivered")
    FAILED = "failed", pgettext_lazy("webhook message", "Failed")


class WebhookMessage(models.Model):
    """One event for one endpoint; ``msg_id`` is its ``webhook-id`` on every attempt."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="messages")
    msg_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)


class AttemptStatus(models.TextChoices):
    DELIVERED = "delivered", pgettext_lazy("webhook attempt", "Delivered")
    FAILED = "failed", pgettext_lazy("webhook attempt", "Failed")
    REFUSED = "refused", pgettext_lazy("webhook attempt", "Refused address")


class WebhookDelivery(models.Model):
    """One delivery attempt, as the delivery log shows it."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=AttemptStatus.choices)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["webhook", "-created", "-id"], name="webhook_delivery_created")]
