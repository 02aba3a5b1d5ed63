"""Sending and reading notifications. :func:`notify` is the one way any app notifies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.accounts.actions import forget_token_checks
from plaza.accounts.models import User
from plaza.core.errors import Invalid
from plaza.core.realtime import publish_on_commit
from plaza.notifications import tasks
from plaza.notifications.kinds import KINDS, TARGETS
from plaza.notifications.models import Mode, Mute, Notification, NotificationSetting


def _mode_for(user_ids: list[int], kind: str, default: str | None = None) -> dict[int, str]:
    """Each person's email mode for ``kind``: their setting, else ``default`` or the kind's."""
    modes = dict(NotificationSetting.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "mode"))
    default = default or KINDS[kind].default_mode
    return {uid: modes.get(uid, default) for uid in user_ids}


def _muted(user_ids: list[int], space_id: int | None, team_id: int | None) -> set[int]:
    """Those who muted the space, or the team, the notification comes from."""
    if space_id is None:
        return set()
    muted = Q(space_id=space_id, team__isnull=True)
    if team_id is not None:
        muted |= Q(team_id=team_id)
    return set(Mute.objects.filter(user_id__in=user_ids).filter(muted).values_list("user_id", flat=True))


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    actor: Any = None,
    space: Any = None,
    team_id: int | None = None,
    target_type: str = "",
    target_id: int | None = None,
    data: dict[str, Any] | None = None,
    default_mode: str | None = None,
    batch: bool = False,
) -> list[Notification]:
    """Notify ``recipients`` (users or ids) about ``target``, inside the caller's transaction.

    ``default_mode`` replaces the kind's default email mode for this one notification (an
    urgent item of a kind that is usually in the digest); people's own settings still win.

    Nobody is notified about their own act, about a target they cannot see, or from a space
    or team they muted. The in-app notification and the live events leave after commit;
    immediate emails are queued in the same transaction.

    With ``batch``, a recipient who still has an unread notification of this kind about
    this target gets that one updated instead ("bob and 3 others liked…"): its ``count``
    grows, the latest actor is named, and it moves back to the top. Immediate email goes
    out for the first of a batch only.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if default_mode is not None and default_mode not in Mode.values:
        raise ValueError(f"unknown mode {default_mode!r}")
    ids = {r if isinstance(r, int) else r.pk for r in recipients}
    if actor is not None:
        ids.discard(actor.pk)
    if not ids:
        return []
    users = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    if target_type:
        target = TARGETS[target_type]
        users = {uid: u for uid, u in users.items() if target_id in target.visible(u, [target_id])}  # type: ignore[list-item]
    space_id = space.pk if space is not None else None
    for uid in _muted(list(users), space_id, team_id):
        users.pop(uid, None)
    if not users:
        return []
    payload = {"actor": actor.name if actor is not None else "", **(data or {})}
    if default_mode is not None:
        payload["default_mode"] = default_mode  # read again when the mail task runs
    if space is not None:
        payload.setdefault("space", space.name)
        payload.setdefault("slug", space.slug)
    if batch:
        pending = Notification.objects.select_for_update().filter(
            recipient_id__in=list(users), kind=kind, target_type=target_type, target_id=target_id, read_at__isnull=True
        )
        for row in pending:
            row.data = {**row.data, **payload, "count": int(row.data.get("count", 1)) + 1}
            row.actor = actor
            row.created = timezone.now()
            row.save(update_fields=["data", "actor", "created"])
            publish_on_commit([row.recipient_id], {"type": "notification", "id": row.pk, "kind": kind})
            users.pop(row.recipient_id, None)
        if not users:
            return []
        payload.setdefault("count", 1)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=uid, actor=actor, kind=kind, space_id=space_id, team_id=team_id,
                target_type=target_type, target_id=target_id, data=payload,
            )
            for uid in users
        ]
    )
    User.objects.filter(pk__in=list(users)).update(unread_notifications=F("unread_notifications") + 1)
    forget_token_checks(users)  # the cached token checks carry the unread count
    modes = _mode_for(list(users), kind, default_mode)
    for row in rows:
        if modes[row.recipient_id] == Mode.IMMEDIATE:
            tasks.send_notification_email.enqueue(row.pk)
        publish_on_commit([row.recipient_id], {"type": "notification", "id": row.pk, "kind": kind})
    counts = dict(User.objects.filter(pk__in=list(users)).values_list("pk", "unread_notifications"))
    for uid, count in counts.items():
        publish_on_commit([uid], {"type": "notification.count", "count": count})
    return rows


@transaction.atomic
def do_mark_read(user: User, *, ids: list[int] | None = None, all: bool = False) -> int:
    """Mark some or all of ``user``'s notifications read; returns the new unread count."""
    if not all and not ids:
        raise Invalid(_("Give ids or all=true."), field="ids")
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if not all:
        unread = unread.filter(pk__in=ids)  # type: ignore[misc]
    unread.update(read_at=timezone.now())
    # Recount rather than subtract, so a concurrent notification is never lost.
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    User.objects.filter(pk=user.pk).update(unread_notifications=count)
    forget_token_checks([user.pk])  # the cached token checks carry the unread count
    publish_on_commit([user.pk], {"type": "notification.count", "count": count})
    return count


@transaction.atomic
def do_open_notification(user: User, notification: Notification) -> int:
    """The person opened ``notification``: it and their other unread ones about the same
    thing (same target) are read. Returns the new unread count, pushed to their top bar."""
    if notification.recipient_id != user.pk:
        raise Invalid(_("Not your notification."), field="id")
    same = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification.target_type and notification.target_id is not None:
        same = same.filter(target_type=notification.target_type, target_id=notification.target_id)
    else:
        same = same.filter(pk=notification.pk)
    ids = list(same.values_list("pk", flat=True))
    if not ids:
        return int(Notification.objects.filter(recipient=user, read_at__isnull=True).count())
    return do_mark_read(user, ids=ids)


@transaction.atomic
def do_update_settings(user: User, *, modes: dict[str, str] | None = None, muted_space_ids: list[int] | None = None,
                       muted_team_ids: list[int] | None = None) -> None:
    """Set email modes per kind and replace the muted spaces/teams (only ones the user is in)."""
    from plaza.spaces.queries import list_visible_scope_ids

    for kind, mode in (modes or {}).items():
        if kind not in KINDS:
            raise Invalid(_("Unknown notification kind: %(kind)s.") % {"kind": kind}, field="modes")
        if mode not in Mode.values:
            raise Invalid(_("Choose immediate, digest or off."), field="modes")
        NotificationSetting.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})
    if muted_space_ids is None and muted_team_ids is None:
        return
    space_ids, team_ids = list_visible_scope_ids(user.pk)
    if muted_space_ids is not None:
        unknown = set(muted_space_ids) - space_ids
        if unknown:
            raise Invalid(_("You can only mute spaces you are in."), field="muted_spaces")
        Mute.objects.filter(user=user, team__isnull=True).delete()
        Mute.objects.bulk_create([Mute(user=user, space_id=sid) for sid in set(muted_space_ids)])
    if muted_team_ids is not None:
        unknown = set(muted_team_ids) - team_ids
        if unknown:
            raise Invalid(_("You can only mute teams you can see."), field="muted_teams")
        from plaza.spaces.models import Team

        Mute.objects.filter(user=user, team__isnull=False).delete()
        teams = Team.objects.filter(pk__in=set(muted_team_ids)).values_list("pk", "space_id")
        Mute.objects.bulk_create([Mute(user=user, space_id=sid, team_id=tid) for tid, sid in teams])


@transaction.atomic
def do_unsubscribe(user: User, kind: str) -> None:
    """The one-click unsubscribe of an email: no more email of this kind."""
    if kind not in KINDS:
        raise Invalid(_("Unknown notification kind."), field="kind")
    NotificationSetting.objects.update_or_create(user=user, kind=kind, defaults={"mode": Mode.OFF})
