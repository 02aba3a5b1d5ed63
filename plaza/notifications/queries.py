"""Reads of notifications. A page of them runs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from plaza.core.pagination import keyset_page
from plaza.notifications.kinds import KINDS, TARGETS
from plaza.notifications.models import Mode, Mute, Notification, NotificationSetting


def list_notifications(user: Any, *, unread: bool | None = None, cursor: str | None = None, limit: int | None = None) -> tuple[list[Notification], str | None]:
    qs = Notification.objects.filter(recipient=user).select_related("actor")
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    rows, next_cursor = keyset_page(qs, cursor=cursor, limit=limit)
    annotate_availability(user, rows)
    return rows, next_cursor


def get_notification(user: Any, notification_id: int) -> Notification | None:
    """One of ``user``'s own notifications with its ``available``, ``url`` and ``text``."""
    row = Notification.objects.filter(recipient=user, pk=notification_id).select_related("actor").first()
    if row is not None:
        annotate_availability(user, [row])
    return row


def annotate_availability(user: Any, rows: list[Notification]) -> None:
    """Set ``available``, ``url`` and ``text`` on each row: one visibility query per target type.

    A notification whose target the person can no longer see reads "no longer available"
    and carries no link and none of the target's content.
    """
    by_type: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.target_type and row.target_id is not None:
            by_type[row.target_type].add(row.target_id)
    visible = {t: TARGETS[t].visible(user, ids) if t in TARGETS else set() for t, ids in by_type.items()}
    for row in rows:
        if row.target_type:
            row.available = row.target_id in visible.get(row.target_type, set())  # type: ignore[attr-defined]
        else:
            row.available = True  # type: ignore[attr-defined]
        kind = KINDS.get(row.kind)
        if row.available and kind is not None:  # type: ignore[attr-defined]
            row.text = kind.text(row.data)  # type: ignore[attr-defined]
            row.url = TARGETS[row.target_type].url(row.target_id, row.data) if row.target_type in TARGETS else ""  # type: ignore[attr-defined]
        else:
            row.text = _("This notification is no longer available.")  # type: ignore[attr-defined]
            row.url = ""  # type: ignore[attr-defined]


def unread_count(user: Any) -> int:
    """The unread badge: a column on the user, no query beyond loading the user."""
    return int(user.unread_notifications)


def get_settings(user: Any) -> dict[str, Any]:
    chosen = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "mode"))
    modes = {key: chosen.get(key, kind.default_mode) for key, kind in KINDS.items()}
    mutes = list(Mute.objects.filter(user=user).values_list("space_id", "team_id"))
    return {
        "modes": modes,
        "muted_spaces": sorted(s for s, t in mutes if t is None),
        "muted_teams": sorted(t for s, t in mutes if t is not None),
    }


def mode_for(user: Any, kind: str, default: str | None = None) -> str:
    """The person's mode for ``kind``: their setting, else ``default`` (one notification's
    own default, see ``notify``) or the kind's."""
    chosen = NotificationSetting.objects.filter(user=user, kind=kind).values_list("mode", flat=True).first()
    return chosen or default or KINDS[kind].default_mode if kind in KINDS else Mode.OFF
