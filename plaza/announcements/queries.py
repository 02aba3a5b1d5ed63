"""Reads of announcements. Lists run a fixed number of queries whatever they hold."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from plaza.announcements.access import access_announcement, current_recipients, space_announcements_q
from plaza.announcements.actions import unread_q
from plaza.announcements.models import Announcement, AnnouncementRecipient, AnnouncementStatus
from plaza.core.pagination import keyset_page
from plaza.spaces.access import SpaceAccess


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def announcement_queryset(viewer: Any) -> QuerySet[Announcement]:
    """Announcements with what a list item shows: author, category, the viewer's receipt,
    and the read counts (for admins)."""
    qs = Announcement.objects.select_related("author", "category", "space").annotate(
        recipient_count=Count("recipients", distinct=True),
        read_count=Count("recipients", filter=Q(recipients__read_at__isnull=False), distinct=True),
    )
    if not _authenticated(viewer):
        false = Value(False, output_field=BooleanField())
        return qs.annotate(is_recipient=false, read_by_me=false, acknowledged_by_me=false)
    mine = AnnouncementRecipient.objects.filter(announcement=OuterRef("pk"), user=viewer)
    return qs.annotate(
        is_recipient=Exists(mine),
        read_by_me=Exists(mine.filter(read_at__isnull=False)),
        acknowledged_by_me=Exists(mine.filter(acknowledged_at__isnull=False)),
    )


def list_space_announcements(acc: SpaceAccess, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Announcement], str | None]:
    """The announcements the caller may see in the space, newest first."""
    qs = announcement_queryset(acc.user).filter(space_announcements_q(acc))
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_announcement(acc_or_user: Any, announcement_id: int) -> tuple[SpaceAccess, Announcement]:
    acc, found = access_announcement(acc_or_user, announcement_id)
    return acc, announcement_queryset(acc.user).get(pk=found.pk)


def get_receipts(announcement: Announcement) -> tuple[list[AnnouncementRecipient], list[AnnouncementRecipient]]:
    """(read, unread) receipts of an announcement the caller administers; two queries."""
    # Only people who may see it now: a removed member is neither read nor unread.
    rows = current_recipients(announcement).select_related("user")
    read = list(rows.exclude(unread_q(announcement)).order_by("read_at", "pk"))
    unread = list(rows.filter(unread_q(announcement)).order_by("user__name", "pk"))
    return read, unread


def list_standing(acc: SpaceAccess) -> list[Announcement]:
    """What stands at the top of the space's home for the caller: announcements addressed to
    them that are pinned, or that ask for an acknowledgement not given yet."""
    if not _authenticated(acc.user) or not acc.role:
        return []
    now = timezone.now()
    mine = AnnouncementRecipient.objects.filter(space=acc.space, user=acc.user)
    unacked = mine.filter(acknowledged_at__isnull=True, announcement__require_ack=True).values("announcement_id")
    qs = (
        announcement_queryset(acc.user)
        .filter(space=acc.space, status=AnnouncementStatus.PUBLISHED, pk__in=mine.values("announcement_id"))
        .filter(Q(pinned_until__gt=now) | Q(pk__in=unacked))
    )
    return list(qs.order_by("-created", "-pk")[:10])
