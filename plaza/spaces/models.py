"""Spaces, memberships, teams, invitations, join requests and member imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_DEPTH = 3


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private: only members know it exists")
    LISTED = "listed", _("Listed: shown in the directory, content for members")
    PUBLIC = "public", _("Public: anyone can read its public content")


class JoinPolicy(models.TextChoices):
    INVITE = "invite", _("By invitation only")
    REQUEST = "request", _("On request, approved by an admin")
    OPEN = "open", _("Open: anyone signed in joins at once")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


ROLE_RANK = {Role.GUEST: 1, Role.MEMBER: 2, Role.ADMIN: 3, Role.OWNER: 4}


class Space(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    join_policy = models.CharField(_("join policy"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.INVITE)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    depth = models.PositiveSmallIntegerField(default=1)
    # The apps (``spaces.access.APPS`` keys) its admins turned off; every app is on by default,
    # so an app added later is on in existing spaces too.
    apps_off = models.JSONField(_("apps turned off"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        indexes = [models.Index(fields=["visibility", "name"], name="space_visibility_name")]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Ids of the parent chain, nearest first (at most MAX_DEPTH - 1 queries-free hops)."""
        ids: list[int] = []
        node = self
        while node.parent_id is not None:
            ids.append(node.parent_id)
            node = node.parent  # type: ignore[assignment]
        return ids


class Membership(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="membership_space_user")]
        indexes = [
            models.Index(fields=["space", "-created", "-id"], name="membership_space_created"),
            models.Index(fields=["user", "space"], name="membership_user_space"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.space_id}:{self.role}"

    @property
    def rank(self) -> int:
        return ROLE_RANK[Role(self.role)]


class TeamVisibility(models.TextChoices):
    PUBLIC = "public", _("Public: every member of the space may read and join")
    PRIVATE = "private", _("Private: only its members know it exists")


class Team(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    visibility = models.CharField(_("visibility"), max_length=10, choices=TeamVisibility.choices, default=TeamVisibility.PUBLIC)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["space", "-created", "-id"], name="team_space_created")]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ADMIN = "admin", _("Team admin")


class TeamMembership(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="teammembership_team_user")]
        indexes = [
            models.Index(fields=["space", "user"], name="teammembership_space_user"),
            models.Index(fields=["team", "-created", "-id"], name="teammembership_team_created"),
        ]


class Invitation(models.Model):
    """An email invitation (``email`` set) or a shareable invite link (``email`` empty)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["space", "-created", "-id"], name="invitation_space_created")]


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class JoinRequest(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"], condition=models.Q(status="pending"), name="joinrequest_one_pending"
            )
        ]
        indexes = [models.Index(fields=["space", "status", "-created", "-id"], name="joinrequest_space_status")]


class MemberImport(models.Model):
    """One CSV import of members, with a result per row."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, default="running")  # running, done, failed
    rows = models.JSONField(default=list)  # the parsed [email, name, role] rows, worked through by a task
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list)  # [{"row", "email", "result", "error"}]
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["space", "-created", "-id"], name="import_space_created")]


class SpaceBan(models.Model):
    """A person banned from a space by its moderators: they cannot join it again, by link,
    request, invitation or import, until an admin lifts the ban."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="bans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    banned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="spaceban_space_user")]
        indexes = [models.Index(fields=["space", "-created", "-id"], name="spaceban_space_created")]
