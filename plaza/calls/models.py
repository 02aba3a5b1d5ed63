"""Dudu (嘟嘟) voice calls: an instant conference in a space, from a group or with chosen people.

Audio flows browser to browser (WebRTC); the server keeps who was invited, who joined and
when, relays signalling between participants, and ends the call when the last one leaves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

MAX_PARTICIPANTS = 8  # a full audio mesh beyond this costs every browser too much


class Call(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("chat.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["space", "-started_at", "-id"], name="call_space_started")]

    @property
    def active(self) -> bool:
        return self.ended_at is None


class CallParticipant(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invited = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="callparticipant_call_user")]
        indexes = [models.Index(fields=["user", "call"], name="callparticipant_user_call")]

    @property
    def in_call(self) -> bool:
        return self.joined_at is not None and self.left_at is None
