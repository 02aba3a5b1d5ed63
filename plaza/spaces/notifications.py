"""The spaces app's notification kinds and targets, registered at start-up."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from plaza.notifications.kinds import Kind, Target, register_kind, register_target


def _t(message: Any) -> Callable[[dict[str, Any]], str]:
    return lambda data: str(message) % data


def _role(data: dict[str, Any]) -> str:
    from plaza.spaces.models import Role

    return str(dict(Role.choices).get(data.get("role", ""), data.get("role", "")))


register_kind(Kind(
    "invitation_received", _("Invitations to spaces"), "immediate",
    lambda d: str(_("%(actor)s invited you to %(space)s as %(role)s.")) % {**d, "role": _role(d)},
))
register_kind(Kind("join_request", _("Requests to join a space I administer"), "immediate",
                   _t(_("%(actor)s asks to join %(space)s."))))
register_kind(Kind("join_request_approved", _("My join request approved"), "immediate",
                   _t(_("Your request to join %(space)s was approved."))))
register_kind(Kind("join_request_rejected", _("My join request declined"), "digest",
                   _t(_("Your request to join %(space)s was declined."))))
register_kind(Kind(
    "role_changed", _("My role changed"), "digest",
    lambda d: str(_("%(actor)s made you %(role)s in %(space)s.")) % {**d, "role": _role(d)},
))
register_kind(Kind("removed_from_space", _("Removed from a space"), "immediate",
                   _t(_("You were removed from %(space)s."))))


def _visible_spaces(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.spaces.queries import list_knowable_space_ids

    return list_knowable_space_ids(user, ids)


def _admin_spaces(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.spaces.queries import list_administered_space_ids

    return list_administered_space_ids(user, ids)


def _usable_invitations(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.spaces.queries import list_usable_invitation_ids

    return list_usable_invitation_ids(user, ids)


register_target(Target("space", _visible_spaces, lambda pk, d: f"/s/{d.get('slug', '')}/"))
register_target(Target("join_requests", _admin_spaces, lambda pk, d: f"/s/{d.get('slug', '')}/requests/"))
register_target(Target("invitation", _usable_invitations, lambda pk, d: f"/invitations/{d.get('code', '')}/"))
