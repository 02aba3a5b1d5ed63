"""Moderation's notification kinds and the queue target, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target

_THINGS = {
    "post": gettext_lazy("post"),
    "comment": gettext_lazy("comment"),
    "blog": gettext_lazy("blog"),
    "message": gettext_lazy("chat message"),
    "product": gettext_lazy("product"),
    "event": gettext_lazy("event"),
    "poll": gettext_lazy("poll"),
}


def _outcome(d: dict[str, Any]) -> str:
    thing = _THINGS.get(d.get("type", ""), _("content"))
    values = {**d, "thing": thing}
    outcome = d.get("outcome")
    if outcome == "hide":
        return _("The moderators of %(space)s hid the %(thing)s you reported.") % values
    if outcome == "delete":
        return _("The moderators of %(space)s deleted the %(thing)s you reported.") % values
    return _("The moderators of %(space)s looked at the %(thing)s you reported and left it up.") % values


def _new(d: dict[str, Any]) -> str:
    count = int(d.get("count", 1))
    if count <= 1:
        return _("Something in %(space)s was reported to the moderators.") % d
    return _("%(count)d reports in %(space)s wait for the moderators.") % {**d, "count": count}


register_kind(Kind("report_outcome", gettext_lazy("What the moderators decided about my reports"), "immediate", _outcome))
register_kind(Kind("report_new", gettext_lazy("New reports in spaces I moderate"), "immediate", _new))


def _admin_spaces(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.spaces.queries import list_administered_space_ids

    return list_administered_space_ids(user, ids)


register_target(Target("moderation_queue", _admin_spaces, lambda pk, d: f"/s/{d.get('slug', '')}/moderation/"))
