"""The webhooks app's notification kind and its target, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target

register_kind(
    Kind(
        "webhook_disabled",
        gettext_lazy("Webhooks of my spaces turned off after failures"),
        "immediate",
        lambda d: _("A webhook of %(space)s to %(url)s was turned off: every attempt failed for a day.") % d,
    )
)


def _admin_spaces(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.spaces.queries import list_administered_space_ids

    return list_administered_space_ids(user, ids)


register_target(Target("space_webhooks", _admin_spaces, lambda pk, d: f"/s/{d.get('slug', '')}/webhooks/"))
