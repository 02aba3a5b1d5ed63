"""Events (活动通知): a time and place, an audience, enrollment and the people who answered.

Every row carries ``space_id`` (attendees and reminder markers copy it from their event) so
that every query filters by the space. An event's state moves only through
``actions.transition_event`` along :data:`TRANSITIONS`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

MAX_TITLE = 200
MAX_DESCRIPTION = 10000


class EventState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


# The declared graph: the only state changes an event may make.
TRANSITIONS: dict[str, set[str]] = {
    EventState.SCHEDULED: {EventState.CANCELLED},
    EventState.CANCELLED: set(),
}


class Enrollment(models.TextChoices):
    OPEN = "open", _("Open: anyone in the audience may come")
    APPROVAL = "approval", _("Approval: an organiser approves each person")
    INVITE = "invite", _("Invitation: only invited people may answer")


class Event(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("spaces.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    description = models.TextField(_("description"), blank=True, max_length=MAX_DESCRIPTION)
    html = models.TextField(blank=True)  # the description rendered and sanitized at write time
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    enrollment = models.CharField(_("enrollment"), max_length=10, choices=Enrollment.choices, default=Enrollment.OPEN)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=EventState.choices, default=EventState.SCHEDULED)
    created = models.DateTimeField(default=dj_timezone.now)
    updated = models.DateTimeField(default=dj_timezone.now)
    # Hidden by the space's moderators (``moderation``): seen only by the space's admins and its author.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["space", "starts_at", "id"], name="event_space_starts"),
            models.Index(fields=["team", "starts_at", "id"], name="event_team_starts"),
            models.Index(fields=["state", "starts_at"], name="event_state_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cancelled(self) -> bool:
        return self.state == EventState.CANCELLED


class AttendeeStatus(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    DECLINED = "declined", _("Declined")
    WAITLIST = "waitlist", _("On the waiting list")
    PENDING = "pending", _("Awaiting approval")
    INVITED = "invited", _("Invited")


class Attendee(models.Model):
    """One person's answer to one event (or their invitation, before they answer)."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=AttendeeStatus.choices)
    approved = models.BooleanField(default=False)  # approval events: an organiser said yes
    invited = models.BooleanField(default=False)  # invite events: an organiser added them
    responded_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)  # the queue order of the waiting list
    created = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="attendee_event_user")]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at", "id"], name="attendee_event_status"),
            models.Index(fields=["user", "status"], name="attendee_user_status"),
            models.Index(fields=["event", "created", "id"], name="attendee_event_created"),
        ]


class ReminderKind(models.TextChoices):
    DAY = "24h", _("A day before")
    HOUR = "1h", _("An hour before")


class ReminderSent(models.Model):
    """The marker that one reminder went to one attendee; claimed by inserting it.

    The start time is part of the key, so moving an event makes its reminders due again.
    """

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "kind", "starts_at"], name="remindersent_once"),
        ]
