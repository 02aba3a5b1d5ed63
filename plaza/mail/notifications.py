"""Micro-mail's notification kind and its "mail" target, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target

register_kind(Kind("mail_received", gettext_lazy("Mail for me"), "immediate",
                   lambda d: _("%(actor)s sent you mail: %(subject)s") % {"subject": "", **d}))


def _visible_mail(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.mail.queries import list_visible_mail_ids

    return list_visible_mail_ids(user, ids)


register_target(Target("mail", _visible_mail, lambda pk, d: f"/mail/m/{pk}/"))
