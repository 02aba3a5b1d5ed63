"""Every write of announcements: publish, edit, read, remind and recall.

The recipients are resolved when an announcement is published (one row each, unread);
state moves only through :func:`transition` (published → recalled). Notifications go
through ``notify`` after commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.announcements.access import current_recipients
from plaza.announcements.models import (
    MAX_BODY,
    MAX_CATEGORY,
    MAX_TITLE,
    Announcement,
    AnnouncementRecipient,
    AnnouncementRevision,
    AnnouncementStatus,
    Category,
)
from plaza.core import audit, markdown
from plaza.core.errors import Conflict, Forbidden, Invalid, NotAuthenticated, RateLimited
from plaza.core.validation import check_datetime, check_text
from plaza.notifications.actions import notify
from plaza.search import actions as search
from plaza.spaces.access import SpaceAccess
from plaza.spaces.models import Membership, Role, Team, TeamMembership
from plaza.webhooks import actions as webhooks

REMIND_EVERY = timedelta(hours=1)

# The one graph of an announcement's states.
TRANSITIONS: dict[str, set[str]] = {
    AnnouncementStatus.PUBLISHED: {AnnouncementStatus.RECALLED},
    AnnouncementStatus.RECALLED: set(),
}


# --- checks -------------------------------------------------------------------------------


def _require_admin(acc: SpaceAccess) -> Any:
    if not getattr(acc.user, "is_authenticated", False):
        raise NotAuthenticated()
    if not acc.is_admin:
        raise Forbidden(_("Only admins make announcements."))
    return acc.user


def check_title(title: str | None) -> str:
    return check_text(title, field="title", max_len=MAX_TITLE, required=_("Give the announcement a title."))


def check_body(body: str | None) -> str:
    return check_text(body, field="body", max_len=MAX_BODY)


def check_category(acc: SpaceAccess, name: str | None) -> Category | None:
    """The space's category called ``name``, created the first time an admin uses it."""
    name = (name or "").strip()
    if not name:
        return None
    if len(name) > MAX_CATEGORY:
        raise Invalid(_("At most %(n)d characters.") % {"n": MAX_CATEGORY}, field="category")
    category, _created = Category.objects.get_or_create(space=acc.space, name=name)
    return category


def check_pinned_until(value: datetime | None) -> datetime | None:
    check_datetime(value, field="pinned_until")
    if value is not None and value <= timezone.now():
        raise Invalid(_("Pin until a time in the future."), field="pinned_until")
    return value


def check_audience(acc: SpaceAccess, team_ids: list[int] | None, user_ids: list[int] | None) -> tuple[list[int], list[int]]:
    """Teams of this space and people in this space; anything else is 422 on its field."""
    team_ids = sorted(set(team_ids or []))
    user_ids = sorted(set(user_ids or []))
    if team_ids and Team.objects.filter(space=acc.space, pk__in=team_ids).count() != len(team_ids):
        raise Invalid(_("Choose teams of this space."), field="team_ids")
    if user_ids and Membership.objects.filter(space=acc.space, user_id__in=user_ids).count() != len(user_ids):
        raise Invalid(_("Choose people of this space."), field="user_ids")
    return team_ids, user_ids


def resolve_recipients(acc: SpaceAccess, team_ids: list[int], user_ids: list[int]) -> set[int]:
    """Who an announcement reaches: the named people and teams' members, or — with neither —
    every full member of the space (guests see only what is addressed to them)."""
    if not team_ids and not user_ids:
        return set(
            Membership.objects.filter(space=acc.space)
            .exclude(role=Role.GUEST)
            .values_list("user_id", flat=True)
        )
    found = set(user_ids)
    if team_ids:
        found |= set(
            TeamMembership.objects.filter(space=acc.space, team_id__in=team_ids).values_list("user_id", flat=True)
        )
    return found


def transition(announcement: Announcement, to: str) -> None:
    """Move ``announcement`` to ``to`` along the declared graph (409 otherwise)."""
    if to not in TRANSITIONS.get(announcement.status, set()):
        raise Conflict(_("This announcement was recalled."))
    announcement.status = to


def _notify(acc: SpaceAccess, announcement: Announcement, kind: str, user_ids: Any, **extra: Any) -> None:
    notify(
        recipients=user_ids, kind=kind, actor=acc.user, space=acc.space, target_type="announcement",
        target_id=announcement.pk, data={"title": announcement.title}, **extra,
    )


# --- writes -------------------------------------------------------------------------------


@transaction.atomic
def do_publish_announcement(
    acc: SpaceAccess,
    *,
    title: str,
    body: str = "",
    category: str | None = None,
    team_ids: list[int] | None = None,
    user_ids: list[int] | None = None,
    require_ack: bool = False,
    pinned_until: datetime | None = None,
) -> Announcement:
    """Publish an announcement (admins) and address it to its recipients, resolved now."""
    user = _require_admin(acc)
    title = check_title(title)
    body = check_body(body)
    team_ids, user_ids = check_audience(acc, team_ids, user_ids)
    pinned_until = check_pinned_until(pinned_until)
    announcement = Announcement.objects.create(
        space=acc.space, author=user, category=check_category(acc, category), title=title, body=body,
        html=markdown.render(body), team_ids=team_ids, user_ids=user_ids, require_ack=require_ack,
        pinned_until=pinned_until,
    )
    recipients = resolve_recipients(acc, team_ids, user_ids) - {user.pk}
    AnnouncementRecipient.objects.bulk_create(
        [AnnouncementRecipient(space=acc.space, announcement=announcement, user_id=uid, created=announcement.created)
         for uid in sorted(recipients)]
    )
    _notify(acc, announcement, "announcement_new", recipients, default_mode="immediate" if require_ack else None)
    audit.record(space=acc.space, actor=user, action="announcement.publish", target=announcement,
                 after={"title": title, "recipients": len(recipients)})
    search.index_announcement(announcement, new=True)
    webhooks.emit(acc.space, "announcement.published", {"id": announcement.pk, "title": title, "body": body, "author": webhooks.person(user), "require_ack": require_ack})
    return announcement


@transaction.atomic
def do_edit_announcement(acc: SpaceAccess, announcement: Announcement, changes: dict[str, Any]) -> Announcement:
    """Change an announcement (admins), keeping what it said; its recipients are told.

    ``changes`` holds only the fields given: title, body, category, require_ack,
    pinned_until (None unpins).
    """
    user = _require_admin(acc)
    if announcement.status != AnnouncementStatus.PUBLISHED:
        raise Conflict(_("This announcement was recalled."))
    fields: list[str] = []
    old_title, old_body = announcement.title, announcement.body
    if changes.get("title") is not None:
        announcement.title = check_title(changes["title"])
        fields.append("title")
    if changes.get("body") is not None:
        announcement.body = check_body(changes["body"])
        announcement.html = markdown.render(announcement.body)
        fields += ["body", "html"]
    if "category" in changes:
        announcement.category = check_category(acc, changes["category"])
        fields.append("category")
    if changes.get("require_ack") is not None:
        announcement.require_ack = bool(changes["require_ack"])
        fields.append("require_ack")
    if "pinned_until" in changes:
        announcement.pinned_until = check_pinned_until(changes["pinned_until"])
        fields.append("pinned_until")
    if not fields:
        return announcement
    text_changed = (announcement.title, announcement.body) != (old_title, old_body)
    if text_changed:
        AnnouncementRevision.objects.create(
            space=acc.space, announcement=announcement, title=old_title, body=old_body, editor=user,
        )
    announcement.edited_at = timezone.now()
    announcement.save(update_fields=[*fields, "edited_at"])
    if text_changed:
        search.index_announcement(announcement)
        recipients = current_recipients(announcement).values_list("user_id", flat=True)
        _notify(acc, announcement, "announcement_updated", recipients)
    audit.record(space=acc.space, actor=user, action="announcement.edit", target=announcement,
                 before={"title": old_title}, after={"title": announcement.title})
    return announcement


@transaction.atomic
def do_recall_announcement(acc: SpaceAccess, announcement: Announcement) -> Announcement:
    """Recall an announcement (admins): its recipients no longer see it."""
    user = _require_admin(acc)
    transition(announcement, AnnouncementStatus.RECALLED)
    announcement.recalled_at = timezone.now()
    announcement.save(update_fields=["status", "recalled_at"])
    search.unindex(search.Kind.ANNOUNCEMENT, announcement.pk)
    audit.record(space=acc.space, actor=user, action="announcement.recall", target=announcement)
    return announcement


@transaction.atomic
def do_mark_read(acc: SpaceAccess, announcement: Announcement, *, acknowledge: bool = False) -> bool:
    """Record that the caller read (and, with ``acknowledge``, acknowledged) the announcement.

    Idempotent: the first time is kept. Returns whether the caller is a recipient.
    """
    if not getattr(acc.user, "is_authenticated", False):
        raise NotAuthenticated()
    now = timezone.now()
    mine = AnnouncementRecipient.objects.filter(space=acc.space, announcement=announcement, user=acc.user)
    found = mine.filter(read_at__isnull=True).update(read_at=now)
    if acknowledge:
        found += mine.filter(acknowledged_at__isnull=True).update(acknowledged_at=now)
    return found > 0 or mine.exists()


def unread_q(announcement: Announcement) -> Q:
    """Recipients who have not read it — or not acknowledged it, where that is required."""
    q = Q(read_at__isnull=True)
    if announcement.require_ack:
        q |= Q(acknowledged_at__isnull=True)
    return q


@transaction.atomic
def do_remind(acc: SpaceAccess, announcement: Announcement) -> int:
    """Remind those who have not read it (admins), at most once an hour (429 otherwise).

    Returns how many people were reminded.
    """
    _require_admin(acc)
    locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if locked.status != AnnouncementStatus.PUBLISHED:
        raise Conflict(_("This announcement was recalled."))
    now = timezone.now()
    if locked.reminded_at is not None and now - locked.reminded_at < REMIND_EVERY:
        wait = int((locked.reminded_at + REMIND_EVERY - now).total_seconds()) + 1
        raise RateLimited(retry_after=wait, detail=_("A reminder was sent less than an hour ago."))
    unread = list(
        current_recipients(locked)
        .filter(unread_q(locked))
        .values_list("user_id", flat=True)
    )
    _notify(acc, locked, "announcement_reminder", unread)
    Announcement.objects.filter(pk=locked.pk).update(reminded_at=now)
    announcement.reminded_at = now
    audit.record(space=acc.space, actor=acc.user, action="announcement.remind", target=locked, after={"count": len(unread)})
    return len(unread)
