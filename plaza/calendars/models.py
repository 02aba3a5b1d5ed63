"""The personal calendar: private entries, team schedule entries and the secret .ics feed.

A private entry belongs to its owner alone (no space). A team entry is part of the team's
schedule: it carries ``space_id`` and ``team_id`` and is seen by the team's members.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

MAX_TITLE = 200


class Entry(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("spaces.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    all_day = models.BooleanField(default=False)
    # An RFC 5545 RRULE value (FREQ=WEEKLY;BYDAY=MO), validated by dateutil; empty = once.
    rrule = models.CharField(_("repeats"), max_length=500, blank=True)
    # For recurring entries: when the last occurrence starts (None = forever), so a window
    # query can skip series that are over without expanding them.
    repeats_until = models.DateTimeField(null=True, blank=True)
    uid = models.CharField(max_length=255, blank=True)  # the UID of an imported VEVENT
    created = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")
        indexes = [
            models.Index(fields=["owner", "team", "starts_at"], name="entry_owner_starts"),
            models.Index(fields=["team", "starts_at"], name="entry_team_starts"),
        ]

    def __str__(self) -> str:
        return self.title


class Feed(models.Model):
    """A person's secret calendar feed.

    The URL's secret is ``<user id>.<HMAC of the user id and nonce under SECRET_KEY>``: it is
    never stored, it is checked in constant time, and rotating draws a new ``nonce`` so
    every earlier URL stops working.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    rotated_at = models.DateTimeField(default=dj_timezone.now)
