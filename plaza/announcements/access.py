"""Who may see and manage announcements. Missing and forbidden look the same: 404.

An announcement is seen by its recipients (resolved when it was published) while it stands
and while they are still in its space, and by the space's admins always (recalled ones
included). Nobody else knows it exists. A removed member is no recipient any more: they are
not notified, reminded or listed in the receipts, and their old notifications read "no
longer available" (the notification list asks :func:`list_visible_announcement_ids`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from plaza.announcements.models import Announcement, AnnouncementRecipient, AnnouncementStatus
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.spaces.access import SpaceAccess, admin_spaces_q, space_access_for
from plaza.spaces.models import Membership


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def current_recipients(announcement: Announcement) -> QuerySet[AnnouncementRecipient]:
    """The announcement's recipient rows of people who are still in its space now."""
    members = Membership.objects.filter(space_id=announcement.space_id).values("user_id")
    return AnnouncementRecipient.objects.filter(
        space_id=announcement.space_id,
        announcement=announcement,
        user_id__in=members,
    )


def space_announcements_q(acc: SpaceAccess) -> Q:
    """The announcements of ``acc.space`` the caller may see, as a condition on Announcement."""
    if not _authenticated(acc.user) or not acc.role:
        return Q(pk__in=[])
    if acc.is_admin:
        return Q(space=acc.space)
    mine = AnnouncementRecipient.objects.filter(space=acc.space, user=acc.user).values("announcement_id")
    return Q(space=acc.space, status=AnnouncementStatus.PUBLISHED, pk__in=mine)


def visible_announcements_q(user: Any) -> Q:
    """The announcements anywhere that ``user`` may see now, as a condition on Announcement
    (subqueries, no extra query): :func:`space_announcements_q` across spaces."""
    if not _authenticated(user):
        return Q(pk__in=[])
    joined = Membership.objects.filter(user=user).values("space_id")
    received = AnnouncementRecipient.objects.filter(announcement=OuterRef("pk"), user=user, space=OuterRef("space"))
    # A recipient who has left the space no longer sees it (space_announcements_q needs a role).
    return admin_spaces_q(user) | Q(Exists(received), status=AnnouncementStatus.PUBLISHED, space_id__in=joined)


def list_visible_announcement_ids(user: Any, ids: Any) -> set[int]:
    """Among ``ids``, the announcements ``user`` may see now, anywhere (one query)."""
    ids = list(ids)
    if not ids or not _authenticated(user):
        return set()
    return set(Announcement.objects.filter(pk__in=ids).filter(visible_announcements_q(user)).values_list("pk", flat=True))


def access_announcement(
    acc_or_user: SpaceAccess | Any, announcement_id: int, *, for_write: bool = False, live: bool = False
) -> tuple[SpaceAccess, Announcement]:
    """The caller's access to the announcement's space, and the announcement.

    ``for_write`` (edit, recall, receipts, remind) needs a space admin: 403 for recipients.
    ``live`` refuses recalled announcements (404), even to admins.
    """
    qs = Announcement.objects.select_related("space__parent__parent", "author", "category").filter(pk=announcement_id)
    if isinstance(acc_or_user, SpaceAccess):
        acc = acc_or_user
        found = qs.filter(space=acc.space).first()
    else:
        if not _authenticated(acc_or_user):
            raise NotAuthenticated()
        found = qs.first()
        acc = space_access_for(acc_or_user, found.space) if found is not None else None  # type: ignore[assignment]
    if found is None or acc is None:
        raise NotFound()
    if not Announcement.objects.filter(space_announcements_q(acc), pk=found.pk).exists():
        raise NotFound()
    if live and found.status != AnnouncementStatus.PUBLISHED:
        raise NotFound()
    if for_write and not acc.is_admin:
        raise Forbidden()
    return acc, found
