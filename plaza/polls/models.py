"""Polls (投票): questions with options, open / anonymous / secret ballots.

Secret ballots keep only who voted (``Voter``) and per-option tallies (``PollOption.votes``):
no row anywhere links a voter to a choice. Open and anonymous ballots keep ``Vote`` rows so
a vote can change before the poll closes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Ballot(models.TextChoices):
    OPEN = "open", _("Open: everyone sees who voted")
    ANONYMOUS = "anonymous", _("Anonymous: only the tally is shown")
    SECRET = "secret", _("Secret: nobody, not even admins, can link a voter to a choice")


class Results(models.TextChoices):
    ALWAYS = "always", _("Always")
    AFTER_VOTE = "after_vote", _("After voting")
    AFTER_CLOSE = "after_close", _("After the poll closes")


class PollStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("poll status", "Open")
    CLOSED = "closed", pgettext_lazy("poll status", "Closed")


# The declared graph the one transition function (actions.transition_poll) checks.
GRAPH: dict[str, frozenset[str]] = {
    PollStatus.OPEN: frozenset({PollStatus.CLOSED}),
    PollStatus.CLOSED: frozenset(),
}

MAX_OPTIONS = 20


class Poll(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("spaces.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    question = models.CharField(_("question"), max_length=300)
    max_choices = models.PositiveSmallIntegerField(default=1)
    closes_at = models.DateTimeField(null=True, blank=True)
    ballot = models.CharField(max_length=10, choices=Ballot.choices, default=Ballot.OPEN)
    results = models.CharField(max_length=12, choices=Results.choices, default=Results.ALWAYS)
    status = models.CharField(max_length=8, choices=PollStatus.choices, default=PollStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    voter_count = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    # Hidden by the space's moderators (``moderation``): seen only by the space's admins and its author.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["space", "-created", "-id"], name="poll_space_created"),
            models.Index(fields=["status", "closes_at"], name="poll_status_closes"),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def closed(self) -> bool:
        """Closed early, or past its deadline (before the sweep has recorded it)."""
        return self.status == PollStatus.CLOSED or (self.closes_at is not None and self.closes_at <= timezone.now())


class PollOption(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=200)
    image_id = models.PositiveBigIntegerField(null=True, blank=True)  # an upload (POST /uploads)
    votes = models.PositiveIntegerField(default=0)  # the tally, kept with F() increments

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["poll", "position"], name="polloption_poll_position")]


class Voter(models.Model):
    """That someone voted, and nothing about how (for every ballot: one vote per person)."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="voter_poll_user")]
        indexes = [models.Index(fields=["poll", "-created", "-id"], name="voter_poll_created")]


class Vote(models.Model):
    """One choice of one voter, for open and anonymous ballots only (never secret)."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user", "option"], name="vote_poll_user_option")]
        indexes = [models.Index(fields=["poll", "user"], name="vote_poll_user")]
