"""The events app's notification kinds and its "event" target, registered at start-up."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target


def _t(message: Any) -> Callable[[dict[str, Any]], str]:
    return lambda data: str(message) % data


def _reminder(data: dict[str, Any]) -> str:
    if data.get("when") == "1h":
        return _("“%(title)s” starts in an hour.") % data
    return _("“%(title)s” starts within a day.") % data


register_kind(Kind("event_invited", gettext_lazy("Invitations to events"), "immediate",
                   _t(gettext_lazy("%(actor)s invited you to “%(title)s”."))))
register_kind(Kind("event_approved", gettext_lazy("My event registration approved"), "immediate",
                   _t(gettext_lazy("You may come to “%(title)s”."))))
register_kind(Kind("event_promoted", gettext_lazy("A seat freed for me at an event"), "immediate",
                   _t(gettext_lazy("A seat freed up: you are now going to “%(title)s”."))))
register_kind(Kind("event_changed", gettext_lazy("Changes of time or place of my events"), "immediate",
                   _t(gettext_lazy("“%(title)s” has a new time or place."))))
register_kind(Kind("event_cancelled", gettext_lazy("Cancelled events"), "immediate",
                   _t(gettext_lazy("“%(title)s” is cancelled."))))
register_kind(Kind("event_reminder", gettext_lazy("Reminders before my events"), "immediate", _reminder))


def _visible_events(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.events.access import list_visible_event_ids

    return list_visible_event_ids(user, ids)


register_target(Target("event", _visible_events, lambda pk, d: f"/events/{pk}/"))
