"""The announcements' notification kinds and their "announcement" target, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target

# "announcement_new" mails in the digest by default; one that requires acknowledgement is
# sent at once (actions pass default_mode="immediate").
register_kind(Kind("announcement_new", gettext_lazy("New announcements"), "digest",
                   lambda d: _("New announcement in %(space)s: %(title)s") % d))
register_kind(Kind("announcement_updated", gettext_lazy("Changed announcements"), "digest",
                   lambda d: _("An announcement in %(space)s was changed: %(title)s") % d))
register_kind(Kind("announcement_reminder", gettext_lazy("Reminders to read announcements"), "immediate",
                   lambda d: _("Reminder: please read the announcement %(title)s") % d))


def _visible(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.announcements.access import list_visible_announcement_ids

    return list_visible_announcement_ids(user, ids)


register_target(Target("announcement", _visible, lambda pk, d: f"/a/{pk}/"))
