"""Discussion groups (讨论组): a group of people of one space chatting in real time.

Every row carries ``space_id`` (copied from its group) so that every query filters by the
space. A person reads a group only while they are both its member and a member of its space.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_NAME = 100
MAX_MESSAGE = 4000
MAX_MEMBERS = 2000  # like WeCom's internal groups; the bench measures a group of 1,000


class GroupKind(models.TextChoices):
    GROUP = "group", _("Discussion group")
    DIRECT = "direct", _("Direct chat")


class Group(models.Model):
    """A discussion group, or a direct (one-to-one) chat: a group of exactly two people.

    A direct chat lives in a space both people share (the one it was started in) and reuses
    everything of groups: messages, files, read markers, sockets and calls. ``direct_key``
    ("<lower id>:<higher id>") makes it one per pair in a space; its members never change.
    """

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=MAX_NAME)
    kind = models.CharField(max_length=10, choices=GroupKind.choices, default=GroupKind.GROUP)
    direct_key = models.CharField(max_length=41, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("discussion group")
        verbose_name_plural = _("discussion groups")
        indexes = [models.Index(fields=["space", "-created", "-id"], name="chatgroup_space_created")]
        constraints = [
            models.UniqueConstraint(fields=["space", "direct_key"], name="chatgroup_one_direct_per_pair"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_direct(self) -> bool:
        return self.kind == GroupKind.DIRECT


class GroupRole(models.TextChoices):
    CREATOR = "creator", _("Creator")
    ADMIN = "admin", _("Group admin")
    MEMBER = "member", _("Member")


class GroupMember(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER)
    # Messages up to this id count as read; unread = later messages by others.
    last_read_message_id = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="groupmember_group_user")]
        indexes = [models.Index(fields=["user", "space"], name="groupmember_user_space")]

    @property
    def manages(self) -> bool:
        return self.role in (GroupRole.CREATOR, GroupRole.ADMIN)


class Message(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=MAX_MESSAGE)
    html = models.TextField(blank=True)  # rendered and sanitized once, at write time
    created = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # A call record (who joined, how long) rather than something a person typed.
    is_call_record = models.BooleanField(default=False)
    # What the message shows of its files ({id, name, size, content_type, is_image, url}),
    # copied when they are attached (they never change), so a history page needs no query.
    attachment_data = models.JSONField(default=list, blank=True)
    # Hidden by the space's moderators (``moderation``): seen only by the space's admins and its author.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # History pages and unread counts walk the group's messages by id.
        indexes = [models.Index(fields=["group", "-id"], name="chatmessage_group_id")]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Attachment(models.Model):
    """A file posted in a group: a copy of the author's upload, readable by the group's members."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="chat/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    is_image = models.BooleanField(default=False)

    def summary(self) -> dict[str, object]:
        return {"id": self.pk, "name": self.name, "size": self.size, "content_type": self.content_type,
                "is_image": self.is_image, "url": f"/groups/files/{self.pk}/"}
