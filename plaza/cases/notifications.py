"""Quick review's notification kinds and its "case" target, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target

register_kind(Kind("case_submitted", gettext_lazy("New cases to review"), "immediate",
                   lambda d: _("New case %(number)s (%(type)s) in %(space)s.") % d))
register_kind(Kind("case_updated", gettext_lazy("Updates of cases I review"), "immediate",
                   lambda d: _("Case %(number)s: %(status)s.") % d))


def _reviewable(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.cases.access import list_reviewable_case_ids

    return list_reviewable_case_ids(user, ids)


register_target(Target("case", _reviewable, lambda pk, d: f"/s/{d.get('slug', '')}/cases/{d.get('number', '')}/"))
