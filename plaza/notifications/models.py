"""Notifications, their per-kind email settings, mutes and digest bookkeeping."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("Email at once")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("No email")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    space = models.ForeignKey("spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team_id = models.BigIntegerField(null=True, blank=True)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created", "-id"], name="notif_recipient_created"),
            models.Index(
                fields=["recipient", "-created", "-id"], condition=models.Q(read_at__isnull=True), name="notif_recipient_unread"
            ),
            models.Index(fields=["emailed_at", "read_at"], name="notif_pending_email"),
        ]


class NotificationSetting(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    kind = models.CharField(max_length=40)
    mode = models.CharField(max_length=10, choices=Mode.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notifsetting_user_kind")]


class Mute(models.Model):
    """A muted space (team empty) or team: nothing from it reaches the person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_mutes")
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("spaces.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "space"], condition=models.Q(team__isnull=True), name="mute_user_space"),
            models.UniqueConstraint(fields=["user", "team"], condition=models.Q(team__isnull=False), name="mute_user_team"),
        ]


class DigestLog(models.Model):
    """One digest per person and local date, whatever the number of workers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="digest_user_date")]
