"""The polls app's notification kind and its "poll" target, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target

register_kind(Kind("poll_closed", gettext_lazy("Results of polls I voted in"), "digest",
                   lambda d: _("The poll “%(question)s” closed. Results: %(results)s.") % d))


def _visible_polls(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.polls.access import list_visible_poll_ids

    return list_visible_poll_ids(user, ids)


register_target(Target("poll", _visible_polls, lambda pk, d: f"/polls/{pk}/"))
