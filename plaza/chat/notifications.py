"""The chat's notification kind and its "chat_message" target, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target

register_kind(Kind("chat_mention", gettext_lazy("Mentions of me in discussion groups"), "immediate",
                   lambda d: _("%(actor)s mentioned you in %(group)s.") % {"group": "", **d}))


def _visible_messages(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.chat.queries import list_visible_message_ids

    return list_visible_message_ids(user, ids)


register_target(Target("chat_message", _visible_messages, lambda pk, d: f"/groups/{d.get('group_id', 0)}/#m{pk}"))
